import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { getScheduledRevocation } from '../../aws/lifecycle/scheduled-revocations.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { ACCOUNT, OPERATOR, pointerOf, SESSION, startTwoVersionsPromoted } from './operator-helpers.js';

const DUE = '2027-02-05T09:00:00.000Z';
let cloud: LocalCloud;
const operator = (body: Record<string, unknown>) => invokeOperatorUrl(cloud, { as: OPERATOR, body });
const revokeAt = (version: string, at: string, withdraw?: true) =>
  operator({ action: 'revoke', image: 'base', version, reason: 'CVE-2027-0042', at, ...(withdraw && { withdraw }) });

/**
 * The environment the stacks give the function that schedules revocations (its schedules' target and role), as the
 * local cloud wired it: read from the wiring, not the process, so the file shares a worker with the other cloud files.
 */
function operatorEnvironment(): Record<string, string | undefined> {
  const scheduling = [...cloud.wiring.functions.values()].filter((f) => f.environment.REVOCATION_SCHEDULER_ROLE_ARN);
  expect(scheduling).toHaveLength(1);
  return scheduling[0]?.environment ?? {};
}

beforeAll(async () => {
  // One image, two channels with one-hour soaks: 1.0.0/1 and 1.0.0/2 promoted to both.
  cloud = await startTwoVersionsPromoted();
}, 180_000);

afterAll(() => cloud?.stop());

describe('operator revoke --at T (later than now): an EventBridge Scheduler one-time schedule', () => {
  it('creates the schedule that puts "Image Revoked" to on-lifecycle-request at T, and revokes nothing yet', async () => {
    const reply = await revokeAt('1.0.0/2', DUE);

    expect(reply).toMatchObject({
      status: 200,
      body: {
        ok: true,
        result: {
          image: 'base',
          version: '1.0.0/2',
          by: SESSION,
          scheduledFor: DUE,
          schedule: 'base_1.0.0_2',
          alreadyScheduled: false,
        },
      },
    });
    const [schedule, ...others] = cloud.scheduler.list();
    expect(others).toEqual([]);
    const { REVOCATION_TARGET_ARN: target, REVOCATION_SCHEDULER_ROLE_ARN: role } = operatorEnvironment();
    expect(target).toMatch(/^arn:aws:lambda:us-east-1:123456789012:function:.*OnLifecycleRequest/);
    expect(schedule).toMatchObject({
      Name: 'base_1.0.0_2',
      GroupName: 'goldsmith-local-revocations',
      ScheduleExpression: 'at(2027-02-05T09:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: { Arn: target, RoleArn: role },
    });
    expect(JSON.parse(schedule?.Target.Input ?? '{}')).toEqual({
      version: '0',
      id: `base_1.0.0_2@${DUE}`,
      source: 'goldsmith',
      'detail-type': 'Image Revoked',
      account: ACCOUNT,
      time: DUE,
      region: 'us-east-1',
      resources: [expect.stringMatching(/^arn:aws:imagebuilder:us-east-1:123456789012:image\/.+\/1\.0\.0\/2$/)],
      detail: {
        image: 'base',
        version: '1.0.0/2',
        buildVersionArn: expect.stringMatching(/\/1\.0\.0\/2$/),
        channels: [],
        reason: 'CVE-2027-0042',
        by: SESSION,
        revokedAt: DUE,
      },
    });
    expect(await getScheduledRevocation('base', '1.0.0/2')).toMatchObject({
      by: SESSION,
      requestedAt: '2027-02-03T09:00:00.000Z',
      dueAt: DUE,
      reason: 'CVE-2027-0042',
      schedule: 'base_1.0.0_2',
    });
    // Not a revocation: the promotion's and the lifecycle's readers of REVOCATION# see nothing.
    expect(await getRevocation('base', '1.0.0/2')).toBeUndefined();
    expect([await pointerOf('dev'), await pointerOf('prod')]).toEqual(['1.0.0/2', '1.0.0/2']);
  });

  it('answers a repeat of the same request as already scheduled, with one schedule', async () => {
    const reply = await revokeAt('1.0.0/2', '2027-02-05T09:00:00Z');

    expect(reply).toMatchObject({ status: 200, body: { result: { scheduledFor: DUE, alreadyScheduled: true } } });
    expect(cloud.scheduler.list().map((s) => s.ScheduleExpression)).toEqual(['at(2027-02-05T09:00:00)']);
  });

  it('refuses the same version at another time in one line, and changes nothing', async () => {
    const reply = await revokeAt('1.0.0/2', '2027-02-06T09:00:00Z');

    expect(reply).toMatchObject({
      status: 409,
      body: {
        ok: false,
        error: `base 1.0.0/2 is already scheduled for revocation at ${DUE}: not moved to 2027-02-06T09:00:00.000Z, nothing changed`,
      },
    });
    expect(cloud.scheduler.list().map((s) => s.ScheduleExpression)).toEqual(['at(2027-02-05T09:00:00)']);
    expect((await getScheduledRevocation('base', '1.0.0/2'))?.dueAt).toBe(DUE);
  });

  it('refuses a version the image never built, scheduling nothing', async () => {
    const reply = await revokeAt('9.9.9/9', DUE);

    expect(reply).toMatchObject({ status: 404, body: { ok: false, error: 'unknown version 9.9.9/9 of base' } });
    expect(cloud.scheduler.list()).toHaveLength(1);
  });

  it('keeps the version promoted until T, then revokes it at T as the caller and deletes the schedule', async () => {
    await cloud.clock.run('2027-02-05T08:59:00Z');
    expect(await pointerOf('prod')).toBe('1.0.0/2');
    expect(await getRevocation('base', '1.0.0/2')).toBeUndefined();

    await cloud.clock.run('2027-02-05T12:00:00Z');

    expect([await pointerOf('dev'), await pointerOf('prod')]).toEqual(['1.0.0/1', '1.0.0/1']);
    expect(await getRevocation('base', '1.0.0/2')).toMatchObject({ state: 'revoked', revokedAt: DUE });
    expect(cloud.scheduler.invocations.map((i) => `${i.at} ${i.schedule}`)).toEqual([
      `${DUE} goldsmith-local-revocations/base_1.0.0_2`,
    ]);
    expect(cloud.scheduler.list()).toEqual([]);
  });

  it('refuses a T more than five minutes before now in one line naming --at, revoking and scheduling nothing', async () => {
    const reply = await revokeAt('1.0.0/1', '2027-02-05T11:00:00Z');

    expect(reply).toMatchObject({
      status: 400,
      body: {
        ok: false,
        error:
          'at: 2027-02-05T11:00:00Z is 1 hour before now (2027-02-05T12:00:00.000Z): a revocation is never back-dated; to revoke at once, leave out --at or say --now. Nothing was revoked.',
      },
    });
    expect(await getRevocation('base', '1.0.0/1')).toBeUndefined();
    expect(await pointerOf('prod')).toBe('1.0.0/1');
    expect(cloud.scheduler.list()).toEqual([]);
  });

  it('refuses to schedule, a minute ahead, a revocation that would empty its channels now, but with --withdraw', async () => {
    const reply = await revokeAt('1.0.0/1', '2027-02-05T12:01:00Z');

    expect(reply).toMatchObject({
      status: 409,
      body: {
        ok: false,
        error: expect.stringMatching(
          /^revoking base 1\.0\.0\/1 would withdraw the pointer of dev, prod were it carried out now: .* Nothing was scheduled\. To revoke it all the same, run the revoke again with --withdraw;/,
        ),
      },
    });
    expect(await getScheduledRevocation('base', '1.0.0/1')).toBeUndefined();
    expect(cloud.scheduler.list()).toEqual([]);

    // Said with --withdraw, it is scheduled; a repeat without it is answered as the same schedule.
    expect(await revokeAt('1.0.0/1', '2027-02-05T12:01:00Z', true)).toMatchObject({ status: 200 });
    expect(await revokeAt('1.0.0/1', '2027-02-05T12:01:00Z')).toMatchObject({
      status: 200,
      body: { result: { alreadyScheduled: true } },
    });
    expect(cloud.scheduler.list().map((s) => s.ScheduleExpression)).toEqual(['at(2027-02-05T12:01:00)']);
  });

  it('revokes at once when T is within five minutes before now (two clocks), says so, creating no schedule', async () => {
    // Taken as now, it would leave prod empty (1.0.0/1 is the only version promoted there): refused until --withdraw.
    const refused = await revokeAt('1.0.0/1', '2027-02-05T11:56:00Z');
    expect(refused).toMatchObject({ status: 409, body: { ok: false } });
    expect(JSON.stringify(refused.body)).toContain('would withdraw the pointer of');
    expect(await getRevocation('base', '1.0.0/1')).toBeUndefined();

    const reply = await revokeAt('1.0.0/1', '2027-02-05T11:56:00Z', true);

    expect(reply).toMatchObject({
      status: 200,
      body: {
        ok: true,
        result: {
          version: '1.0.0/1',
          alreadyRevoked: false,
          atTakenAsNow:
            '--at 2027-02-05T11:56:00Z is 4 minutes in the past, within the clock skew allowed (5 minutes): revoked now',
        },
      },
    });
    expect(await getRevocation('base', '1.0.0/1')).toMatchObject({
      state: 'revoked',
      revokedAt: '2027-02-05T12:00:00.000Z',
    });
    expect(cloud.scheduler.list()).toEqual([]);
  });
});
