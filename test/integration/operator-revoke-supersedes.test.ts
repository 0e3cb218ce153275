import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImagePartition } from '../../aws/ledger/image-partition.js';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { getScheduledRevocation } from '../../aws/lifecycle/scheduled-revocations.js';
import { historyOf } from '../../cli/operator/ledger-history.js';
import { imageView } from '../../core/status/image-view.js';
import { onLifecycleRequest } from '../../functions/on-lifecycle-request.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { OPERATOR, pointerOf, SESSION, startTwoVersionsPromoted } from './operator-helpers.js';

/**
 * `revoke --at T`, then the same version revoked at once before T: the scheduled revocation is superseded. status and
 * history say so instead of "scheduled", its schedule is deleted, and a firing that still arrives revokes nothing.
 */

const DUE = '2027-02-05T09:00:00.000Z';
let cloud: LocalCloud;
let firing: unknown;
// A revocation waits on the virtual clock for Parameter Store to validate the pointers it moved back.
const operator = (body: Record<string, unknown>) =>
  cloud.clock.runUntilSettled(cloud.clock.track(() => invokeOperatorUrl(cloud, { as: OPERATOR, body })));
const revoke = (extra: Record<string, unknown> = {}) =>
  operator({ action: 'revoke', image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0042', ...extra });

beforeAll(async () => {
  // One image, two channels with one-hour soaks: 1.0.0/1 and 1.0.0/2 promoted to both.
  cloud = await startTwoVersionsPromoted();
  await revoke({ at: DUE });
  firing = JSON.parse(cloud.scheduler.list()[0]?.Target.Input ?? 'null');
  await cloud.clock.run('2027-02-03T12:00:00Z');
}, 180_000);

afterAll(() => cloud?.stop());

describe('a revocation scheduled for later, then the same version revoked at once', () => {
  it('revokes now, marks the scheduled one superseded and deletes its schedule', async () => {
    const reply = await revoke({ reason: 'exploited in the wild' });

    expect(reply).toMatchObject({ status: 200, body: { ok: true, result: { supersededSchedule: DUE } } });
    expect(cloud.scheduler.list()).toEqual([]);
    expect(await getScheduledRevocation('base', '1.0.0/2')).toMatchObject({
      dueAt: DUE,
      supersededAt: '2027-02-03T12:00:00.000Z',
      supersededBy: SESSION,
    });
    expect([await pointerOf('dev'), await pointerOf('prod')]).toEqual(['1.0.0/1', '1.0.0/1']);
  });

  it('reads as superseded in status and history, not as scheduled', async () => {
    const items = await readImagePartition('base');
    const view = imageView('base', ['dev', 'prod'], items, new Date('2027-02-03T12:01:00Z'));
    expect(view.scheduledRevocations).toEqual([
      expect.objectContaining({
        version: '1.0.0/2',
        state: 'superseded',
        superseded: { at: '2027-02-03T12:00:00.000Z', by: SESSION },
      }),
    ]);
    const lines = historyOf(items).map((e) => e.what);
    expect(lines).toContain(
      `revocation scheduled for 2027-02-05 09:00 superseded: revoked at once at 2027-02-03 12:00 by ${SESSION}; its schedule revokes nothing`,
    );
    // One instant, cause before effect: the revocation, then the scheduled one it superseded.
    const revoked = lines.findIndex((l) => l.startsWith('revoked by '));
    const superseded = lines.findIndex((l) => l.includes(' superseded: revoked at once'));
    expect(revoked).toBeGreaterThanOrEqual(0);
    expect(superseded).toBeGreaterThan(revoked);
  });

  it('revokes nothing more when the schedule fires anyway: the revocation keeps its own time and reason', async () => {
    const before = await getRevocation('base', '1.0.0/2');
    await cloud.clock.run('2027-02-05T09:30:00Z');
    const result = await onLifecycleRequest(firing);

    expect(result).toEqual({ image: 'base', version: '1.0.0/2', superseded: DUE });
    expect(await getRevocation('base', '1.0.0/2')).toEqual(before);
    expect(before).toMatchObject({ reason: 'exploited in the wild', revokedAt: '2027-02-03T12:00:00.000Z' });
  });

  it('answers a repeat of the revocation as already revoked, superseding nothing twice', async () => {
    const reply = await revoke({ reason: 'again' });
    expect(reply).toMatchObject({ status: 200, body: { result: { alreadyRevoked: true, supersededSchedule: DUE } } });
    expect(await getScheduledRevocation('base', '1.0.0/2')).toMatchObject({
      supersededAt: '2027-02-03T12:00:00.000Z',
    });
  });
});
