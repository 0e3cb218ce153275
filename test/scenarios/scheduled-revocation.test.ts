import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import {
  al2023Image,
  devThenProdSoakingAnHour,
  OPENSSL_RELEASES,
  opensslRelease,
  orgCatalog,
  run,
  scenarioBetween,
} from './helpers.js';

// One image in one region, two channels with short soaks; 1.0.0/1 and 1.0.0/2 on two openssl releases.
const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  devThenProdSoakingAnHour(),
);

const DUE = '2027-01-05T09:00:00.000Z';
const revokeAt = (at: string, due: string) => ({
  at,
  kind: 'operator',
  request: { action: 'revoke', image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0001', at: due },
});

/** The same scenario, stopped before the due time or after it. */
const scenario = (until: string) =>
  scenarioBetween('2027-01-01T00:00:00Z', until, {
    events: [
      opensslRelease('2027-01-01T08:00:00Z', '3.0.1'),
      opensslRelease('2027-01-02T08:00:00Z', '3.0.2'),
      // Two days ahead; then the same request again; then the same version for another time.
      revokeAt('2027-01-03T09:00:00Z', DUE),
      revokeAt('2027-01-03T10:00:00Z', DUE),
      revokeAt('2027-01-03T11:00:00Z', '2027-01-06T09:00:00Z'),
    ],
  });

describe('revoke --at T through the operator endpoint, on the local cloud', () => {
  let before: SimulationResult;
  let after: SimulationResult;

  beforeAll(async () => {
    before = await run(catalog, scenario('2027-01-05T08:00:00Z'));
    after = await run(catalog, scenario('2027-01-07T00:00:00Z'));
  }, 180_000);

  it('schedules the revocation for T, answers a repeat as already scheduled and refuses another time', () => {
    const answers = (before.operator ?? []).map((e) => ({ status: e.status, ...e.response }));
    expect(answers).toEqual([
      {
        status: 200,
        ok: true,
        action: 'revoke',
        result: expect.objectContaining({ scheduledFor: DUE, schedule: 'base_1.0.0_2', alreadyScheduled: false }),
      },
      {
        status: 200,
        ok: true,
        action: 'revoke',
        result: expect.objectContaining({ scheduledFor: DUE, alreadyScheduled: true }),
      },
      {
        status: 409,
        ok: false,
        error: `base 1.0.0/2 is already scheduled for revocation at ${DUE}: not moved to 2027-01-06T09:00:00.000Z, nothing changed`,
      },
    ]);
    const scheduled = before.report.notifications.filter((n) => n.event === 'revocation-scheduled');
    expect(scheduled.map((n) => n.subject)).toEqual([`base 1.0.0/2: revocation scheduled for ${DUE}`]);
  });

  it('leaves the version promoted and launchable until T', () => {
    expect(before.report.notifications.filter((n) => n.event === 'revoked')).toEqual([]);
    const prod = before.report.promotions
      .filter((p) => p.version === '1.0.0/2')
      .map((p) => `${p.channel} ${p.outcome}`);
    expect(prod).toEqual(['dev promoted', 'prod promoted']);
    expect(before.report.consistency.problems).toEqual([]);
    expect(before.report.consistency.ok).toBe(true);
  });

  it('revokes at T: announced at T, both channels rolled back to 1.0.0/1, nothing revoked launchable', () => {
    const revoked = after.report.notifications.filter((n) => n.event === 'revoked');
    expect(revoked.map((n) => n.subject)).toEqual(['base 1.0.0/2: revoked']);
    // Announced once the rolled-back pointers are confirmed: Parameter Store validates each within seconds of T.
    const late = Date.parse(revoked[0]?.at ?? '') - Date.parse(DUE);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(60_000);
    const moved = after.report.notifications.filter((n) => n.event === 'rolled-back').map((n) => n.subject);
    expect(moved.sort()).toEqual(['base/dev: rolled back to 1.0.0/1', 'base/prod: rolled back to 1.0.0/1']);
    expect(after.report.consistency.problems).toEqual([]);
    expect(after.report.consistency.ok).toBe(true);
    expect(after.report.consistency.checks?.['revoked-not-launchable']).toBeGreaterThan(0);
    // The pointer that named 1.0.0/2's AMI before T names another after it.
    expect(after.report.pointers['base/prod']?.['us-east-1']).toMatch(/^ami-/);
    expect(after.report.pointers['base/prod']?.['us-east-1']).not.toBe(
      before.report.pointers['base/prod']?.['us-east-1'],
    );
  });
});
