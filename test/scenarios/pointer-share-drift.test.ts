import { describe, expect, it } from 'vitest';
import { simulate } from '../../local/simulator/index.js';
import { AL2023, al2023Image, DEV_OU, orgCatalog, REPO_ROOT, scenarioBetween } from './helpers.js';

const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: { baseImage: true, packages: [] } }) },
  [{ name: 'dev', targets: { ous: [DEV_OU] }, soak: '1h' }],
);

/** base promoted to dev on the first morning; at noon someone takes its pointer out of the dev share by hand. */
const events = [
  { at: '2027-01-01T01:00:00Z', kind: 'base-image-release', parameter: AL2023 },
  { at: '2027-01-01T12:00:00Z', kind: 'pointer-share', channel: 'dev', region: 'us-east-1', image: 'base' },
];

const run = (until: string) => simulate(catalog, scenarioBetween('2027-01-01T00:00:00Z', until, { events }), REPO_ROOT);

/**
 * The end-of-run audit asks the SSM and RAM fakes whether each of the channel's accounts can read its pointer:
 * Publish trusts the share the ledger holds, so a change made outside Goldsmith stands until the reconciler's
 * daily backstop (its full pass, after midnight UTC) compares the shares with RAM and puts it back.
 */
describe('a pointer share changed outside Goldsmith', () => {
  it('is found and put back by the next daily backstop', async () => {
    const broken = await run('2027-01-01T20:00:00Z');
    expect(broken.report.consistency.problems.join('\n')).toMatch(/cannot read \/goldsmith\/base\/dev/);

    const repaired = await run('2027-01-02T08:00:00Z');
    expect(repaired.report.consistency.problems).toEqual([]);
    expect(repaired.report.consistency.checks?.['pointer-readable-by-targets']).toBeGreaterThan(0);
    // One association made by Publish on the first day, one by the backstop.
    expect(repaired.report.apiCalls['ram:AssociateResourceShare'] ?? 0).toBe(
      (broken.report.apiCalls['ram:AssociateResourceShare'] ?? 0) + 1,
    );
  }, 180_000);
});
