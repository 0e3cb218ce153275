import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImagePartition } from '../../aws/ledger/image-partition.js';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { getScheduledRevocation, markScheduledRevocationCancelled } from '../../aws/lifecycle/scheduled-revocations.js';
import { historyOf } from '../../cli/operator/ledger-history.js';
import { onLifecycleRequest } from '../../functions/on-lifecycle-request.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { notificationsOf } from '../../local/simulator/report-notifications.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { OPERATOR, pointerOf, SESSION, startTwoVersionsPromoted } from './operator-helpers.js';

const DUE = '2027-02-05T09:00:00.000Z';
const LATER = '2027-02-07T09:00:00.000Z';
const LATER2 = '2027-02-12T09:00:00.000Z';
let cloud: LocalCloud;
let firing: unknown;
const operator = (body: Record<string, unknown>) => invokeOperatorUrl(cloud, { as: OPERATOR, body });
const revokeAt = (at: string) =>
  operator({ action: 'revoke', image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0042', at });
const cancel = (version = '1.0.0/2') =>
  operator({ action: 'cancel-revocation', image: 'base', version, reason: 'the CVE does not apply to us' });
const announced = (event: string) => notificationsOf(cloud).filter((n) => n.event === event);

beforeAll(async () => {
  // One image, two channels with one-hour soaks: 1.0.0/1 and 1.0.0/2 promoted to both.
  cloud = await startTwoVersionsPromoted();
  await revokeAt(DUE);
  // What the schedule would put to on-lifecycle-request at DUE, kept to deliver it late below.
  firing = JSON.parse(cloud.scheduler.list()[0]?.Target.Input ?? 'null');
}, 180_000);

afterAll(() => cloud?.stop());

describe('operator revoke --cancel: calling off a revocation scheduled for later', () => {
  it('records who cancelled it and why, deletes the schedule, and announces it once', async () => {
    const reply = await cancel();

    expect(reply).toMatchObject({
      status: 200,
      body: {
        ok: true,
        action: 'cancel-revocation',
        result: { image: 'base', version: '1.0.0/2', by: SESSION, cancelled: DUE, alreadyCancelled: false },
      },
    });
    expect(cloud.scheduler.list()).toEqual([]);
    expect(await getScheduledRevocation('base', '1.0.0/2')).toMatchObject({
      dueAt: DUE,
      cancelledAt: '2027-02-03T09:00:00.000Z',
      cancelledBy: SESSION,
      cancelReason: 'the CVE does not apply to us',
    });
    expect(announced('revocation-cancelled')).toHaveLength(1);
  });

  it('answers a repeat as already cancelled, announcing nothing more', async () => {
    const reply = await cancel();

    expect(reply).toMatchObject({ status: 200, body: { result: { cancelled: DUE, alreadyCancelled: true } } });
    expect(announced('revocation-cancelled')).toHaveLength(1);
  });

  it('refuses a version with nothing scheduled, in one line', async () => {
    expect(await cancel('1.0.0/1')).toMatchObject({
      status: 404,
      body: { ok: false, error: 'no revocation of base 1.0.0/1 is scheduled' },
    });
  });

  it('leaves the version promoted past the time it was due, even if the schedule fires anyway', async () => {
    await cloud.clock.run('2027-02-05T12:00:00Z');
    // A schedule that fired before its deletion took effect: on-lifecycle-request revokes nothing.
    const result = await onLifecycleRequest(firing);

    expect(result).toEqual({ image: 'base', version: '1.0.0/2', cancelled: DUE });
    expect(await getRevocation('base', '1.0.0/2')).toBeUndefined();
    expect([await pointerOf('dev'), await pointerOf('prod')]).toEqual(['1.0.0/2', '1.0.0/2']);
  });

  it('can be scheduled again, keeping the cancelled one, and then revokes at the new time', async () => {
    expect(await revokeAt(LATER)).toMatchObject({ status: 200, body: { result: { scheduledFor: LATER } } });
    expect(await getScheduledRevocation('base', '1.0.0/2')).toMatchObject({
      dueAt: LATER,
      cancelledBefore: [{ dueAt: DUE, by: SESSION, cancelledBy: SESSION }],
    });
    expect((await getScheduledRevocation('base', '1.0.0/2'))?.cancelledAt).toBeUndefined();
    expect(historyOf(await readImagePartition('base')).map((e) => e.what)).toContain(
      `revocation scheduled for 2027-02-05 09:00 cancelled by ${SESSION}: the CVE does not apply to us`,
    );

    expect(announced('revocation-scheduled')).toHaveLength(2);

    // Within the minute before it is due, a cancel could race the firing: refused.
    await cloud.clock.run('2027-02-07T08:59:30Z');
    expect(await cancel()).toMatchObject({
      status: 409,
      body: {
        ok: false,
        error: `the revocation of base 1.0.0/2 is due at ${LATER}: too late to cancel (its schedule fires within the minute, or has), nothing changed`,
      },
    });
    await cloud.clock.run('2027-02-07T12:00:00Z');

    expect(await getRevocation('base', '1.0.0/2')).toMatchObject({ state: 'revoked', revokedAt: LATER });
    expect([await pointerOf('dev'), await pointerOf('prod')]).toEqual(['1.0.0/1', '1.0.0/1']);
  });

  it('refuses to cancel a revocation carried out, and changes nothing', async () => {
    expect(await cancel()).toMatchObject({
      status: 409,
      body: { ok: false, error: `base 1.0.0/2 was already revoked at ${LATER}: nothing to cancel` },
    });
    expect(await getRevocation('base', '1.0.0/2')).toMatchObject({ state: 'revoked' });
  });

  it('finishes a cancel interrupted before the schedule was deleted: on a repeat, deleted and announced once', async () => {
    const T3 = '2027-02-10T09:00:00.000Z';
    expect(
      await operator({ action: 'revoke', image: 'base', version: '1.0.0/1', reason: 'EOL', at: T3, withdraw: true }),
    ).toMatchObject({ status: 200 });
    // The cancel got as far as the ledger: the schedule is still there, nothing announced.
    await markScheduledRevocationCancelled('base', '1.0.0/1', T3, { by: SESSION, at: '2027-02-07T12:00:00.000Z' });
    const before = announced('revocation-cancelled').length;
    expect(cloud.scheduler.list().map((x) => x.Name)).toEqual(['base_1.0.0_1']);
    // Scheduling another time meanwhile is refused, saying what to do.
    expect(
      await operator({
        action: 'revoke',
        image: 'base',
        version: '1.0.0/1',
        reason: 'EOL',
        at: LATER2,
        withdraw: true,
      }),
    ).toMatchObject({
      status: 409,
      body: {
        error: `the revocation of base 1.0.0/1 at ${T3} was cancelled but its schedule is still there: run revoke --cancel again, then schedule ${LATER2}; nothing changed`,
      },
    });

    expect(await cancel('1.0.0/1')).toMatchObject({ status: 200, body: { result: { alreadyCancelled: true } } });
    expect(cloud.scheduler.list()).toEqual([]);
    expect(announced('revocation-cancelled')).toHaveLength(before + 1);
    expect(await cancel('1.0.0/1')).toMatchObject({ status: 200, body: { result: { alreadyCancelled: true } } });
    expect(announced('revocation-cancelled')).toHaveLength(before + 1);
  });
});
