import { describe, expect, it } from 'vitest';
import { AL2023, lineageCatalog } from './helpers.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * A critical CVE revokes base 1.0.0/2 (`revocation.descendants` left at `rebuild`) once hardened 1.0.0/2, built on
 * it, is in staging and app 1.0.0/2, built on that hardened build, soaks there: the grandchild is built on revoked
 * content as much as the child, and is flagged and stopped at the revocation with it.
 */
const catalog = lineageCatalog();

const saved = useSavedRun('goldsmith-grandchild-', catalog, {
  start: '2027-01-01T00:00:00Z',
  until: '2027-01-06T06:00:00Z',
  organization: { accountsPerOu: 1 },
  approvals: 'none',
  events: [
    { at: '2027-01-01T01:00:00Z', kind: 'base-image-release', parameter: AL2023 },
    // base 1.0.0/2 in staging on day four 07:00; hardened 1.0.0/2 there on day five 07:44; app 1.0.0/2 soaks.
    { at: '2027-01-03T06:00:00Z', kind: 'package-release', package: 'openssl', version: '3.0.17' },
    { at: '2027-01-05T20:00:00Z', kind: 'cve', image: 'base', version: '1.0.0/2', critical: 1 },
  ],
});

describe('a critical CVE on the grandparent while the grandchild soaks in staging', () => {
  const THROUGH = 'built on revoked base 1.0.0/2 (through hardened 1.0.0/2)';

  it('flags the grandchild with the child, at the revocation', () => {
    const { report } = saved();
    const flagged = (image: string) => report.builds.find((b) => b.image === image && b.version === '1.0.0/2')?.flagged;
    expect(flagged('hardened')).toEqual({ at: '2027-01-05T20:00:00.000Z', reason: 'built on revoked base 1.0.0/2' });
    expect(flagged('app')).toEqual({ at: '2027-01-05T20:00:00.000Z', reason: THROUGH });
  });

  it("stops the grandchild's soak at the flag, not at its end (day six 08:36): it reaches no further channel", () => {
    const { report } = saved();
    const app = report.promotions.filter((p) => p.image === 'app' && p.version === '1.0.0/2');
    expect(app.map((p) => `${p.channel} ${p.outcome}`)).toEqual(['staging aborted']);
    expect(app[0]?.reason).toMatch(new RegExp(`^${THROUGH.replace(/[()./]/g, '\\$&')}: held`));
    expect(Date.parse(app[0]?.at ?? '')).toBeLessThan(Date.parse('2027-01-05T20:05:00Z'));
  });

  it('says so in status and history, and asks no rebuild of the grandchild on its flagged parent', async () => {
    const { report, cloud } = saved();
    const status = (await goldsmith(['status', '--local', cloud])).stdout;
    const history = (await goldsmith(['history', 'app', '--local', cloud])).stdout;
    expect(status).toContain(`flagged: 1.0.0/2 since 2027-01-05 20:00: ${THROUGH}; held out of every further channel`);
    expect(history).toContain(`soak ended early by goldsmith (vulnerabilities.revokeOn): held: ${THROUGH}`);
    // What replaces it: app built on hardened's rebuild once that reaches staging, not a rebuild on base.
    const instead =
      'held until hardened is rebuilt on the rolled-back parent and promoted to staging; its rebuild on that one is promoted instead';
    expect(status).toContain(`${THROUGH}; held out of every further channel, its promotion stopped at staging`);
    expect(status).toContain(instead);
    expect(history).toContain(`flagged: ${THROUGH}; held out of every further channel; ${instead}`);
    expect(`${status}${history}`).not.toContain('its rebuild on the rolled-back parent is promoted instead');
    expect(report.builds.filter((b) => b.image === 'app').map((b) => b.version)).toEqual(['1.0.0/1', '1.0.0/2']);
  });
});
