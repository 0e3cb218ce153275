import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import {
  al2023Image,
  buildLines,
  childImage,
  devThenProdSoakingAnHour,
  OPENSSL_RELEASES,
  orgCatalog,
  opensslRelease as release,
  run,
  scenarioBetween,
} from './helpers.js';

const RETENTION = { keep: 2, deleteAfter: '3d', unpromotedGrace: '1d' };

// A base image (two regions) built on openssl releases, kept 2 per channel and deleted 3 days after retirement, and
// an app built on the base's prod pointer. Two channels with short soaks keep the run small.
const catalog = orgCatalog(
  {
    base: al2023Image({ regions: ['us-east-1', 'eu-west-1'], triggers: OPENSSL_RELEASES, retention: RETENTION }),
    app: childImage('base', 'prod', { regions: ['us-east-1'], retention: RETENTION }),
  },
  devThenProdSoakingAnHour(),
);

describe('lifecycle on the local cloud: retention, a revocation with rollback and cascade, a CVE, a rollback', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    result = await run(
      catalog,
      scenarioBetween('2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z', {
        events: [
          release('2027-01-02T08:00:00Z', '3.0.1'),
          release('2027-01-04T08:00:00Z', '3.0.2'),
          { at: '2027-01-06T12:00:00Z', kind: 'revoke', image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0001' },
          { at: '2027-01-09T12:00:00Z', kind: 'cve', image: 'base', critical: 1 },
          release('2027-01-13T08:00:00Z', '3.0.3'),
          release('2027-01-16T08:00:00Z', '3.0.4'),
          { at: '2027-01-18T12:00:00Z', kind: 'rollback', image: 'base', channel: 'dev', reason: 'boot regression' },
        ],
      }),
    );
  }, 120_000);

  it('rolls the revoked version back out of every channel and rebuilds the child on the rolled-back parent', () => {
    const rollbacks = result.report.notifications.filter((n) => n.event === 'revoked');
    expect(rollbacks.map((n) => n.subject)).toEqual(['base 1.0.0/2: revoked']);
    const moved = result.report.notifications.filter((n) => n.event === 'rolled-back' && n.at === rollbacks[0]?.at);
    expect(moved.map((n) => n.subject).sort()).toEqual([
      'base/dev: rolled back to 1.0.0/1',
      'base/prod: rolled back to 1.0.0/1',
    ]);
    // app 1.0.0/2 was built on base 1.0.0/2; app 1.0.0/3 is its rebuild on base 1.0.0/1 (out of cycle, trigger revocation).
    expect(buildLines(result, 'app').slice(0, 3)).toEqual([
      'app 1.0.0/1 cascade AVAILABLE',
      'app 1.0.0/2 cascade AVAILABLE',
      'app 1.0.0/3 revocation AVAILABLE',
    ]);
    const aborted = result.report.promotions.filter((p) => p.image === 'base' && p.version === '1.0.0/2');
    expect(aborted.map((p) => `${p.channel} ${p.outcome}`)).toEqual(['dev promoted', 'prod promoted']);
  });

  it('leaves the revoked AMI launchable by no one and named by no pointer, as the audit counts', () => {
    const { consistency } = result.report;
    expect(consistency.problems).toEqual([]);
    expect(consistency.ok).toBe(true);
    expect(consistency.checks?.['revoked-not-launchable']).toBeGreaterThan(0);
    expect(consistency.checks?.['pointer-not-deregistered-or-revoked']).toBeGreaterThan(0);
    expect(consistency.checks?.['no-orphan-snapshots']).toBeGreaterThan(0);
  });

  it('rebuilds a live version hit by a critical finding at once and measures the time to a patched prod pointer', () => {
    const cve = result.report.patchTimes.find((p) => p.image === 'base');
    expect(cve?.version).toBe('1.0.0/1');
    expect(cve?.channels.prod).not.toBeNull();
    expect(cve?.channels.prod?.hours).toBeLessThan(24);
    expect(buildLines(result, 'base')[2]).toBe('base 1.0.0/3 cve AVAILABLE');
  });

  it('moves a channel back on an operator rollback, announced, without revoking anything', () => {
    const rolledBack = result.report.notifications.filter(
      (n) => n.event === 'rolled-back' && n.at >= '2027-01-18T12:00:00',
    );
    expect(rolledBack.map((n) => n.subject)).toEqual([
      expect.stringMatching(/^base\/dev: rolled back to 1\.0\.0\/\d+$/),
    ]);
    expect(result.report.notifications.filter((n) => n.event === 'revoked')).toHaveLength(1);
  });

  it('retires, deprecates and deletes AMIs with their snapshots, keeping what pointers and retention hold', () => {
    const { amis } = result.report;
    expect(amis.deregistered).toBeGreaterThan(0);
    expect(amis.snapshotsDeleted).toBe(amis.deregistered);
    expect(amis.snapshotsAlive).toBe(amis.alive);
    expect(result.report.consistency.checks?.['alive-within-retention']).toBe(amis.alive);
    // Retired versions keep no grantee: the launch audit asked every account about each of their AMIs.
    expect(result.report.consistency.checks?.['retired-not-launchable']).toBeGreaterThan(0);
    expect(result.report.notifications.some((n) => n.event === 'retired')).toBe(true);
    expect(result.notes).toEqual([]);
  });

  it('streams the revocation, its rollbacks and the operator rollback in the timeline', () => {
    const lines = result.timeline.filter((e) => e.kind === 'lifecycle').map((e) => `${e.image} ${e.text}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        // Told with its reason (what it did besides) and who revoked it.
        expect.stringMatching(
          /^base 1\.0\.0\/2: revoked — CVE-2027-0001; rebuilding app on the rolled-back parent \(by assumed-role \S+\)$/,
        ),
        'base dev: rolled back to 1.0.0/1',
        'base prod: rolled back to 1.0.0/1',
        expect.stringMatching(/^base dev: rolled back to 1\.0\.0\/\d+$/),
      ]),
    );
    expect(lines.filter((l) => l.includes('rolled back'))).toHaveLength(3);
  });
});
