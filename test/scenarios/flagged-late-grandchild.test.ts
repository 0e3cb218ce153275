import { describe, expect, it } from 'vitest';
import { AL2023, lineageCatalog } from './helpers.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * The grandchild built after the revocation: a critical CVE revokes base 1.0.0/2 (hardened 1.0.0/2, built on it, is
 * flagged and stays staging's pointer until its rebuild gets there); minutes later a release of a package app
 * watches builds app on hardened's staging pointer, the flagged 1.0.0/2. The revocation never saw that build: its
 * Gate holds it, and flags it, so status and history say why it waits.
 */
const catalog = lineageCatalog(['nginx']);

const saved = useSavedRun('goldsmith-late-grandchild-', catalog, {
  start: '2027-01-01T00:00:00Z',
  until: '2027-01-06T12:00:00Z',
  organization: { accountsPerOu: 1 },
  approvals: 'none',
  events: [
    { at: '2027-01-01T01:00:00Z', kind: 'base-image-release', parameter: AL2023 },
    { at: '2027-01-03T06:00:00Z', kind: 'package-release', package: 'openssl', version: '3.0.17' },
    { at: '2027-01-05T20:00:00Z', kind: 'cve', image: 'base', version: '1.0.0/2', critical: 1 },
    { at: '2027-01-05T20:02:00Z', kind: 'package-release', package: 'nginx', version: '1.27.3' },
  ],
});

describe('a grandchild built on the flagged child after the revocation', () => {
  it('is held at its gate and flagged there, once, naming the parent whose rebuild it waits for', async () => {
    const { report, cloud } = saved();
    const late = report.builds.filter(
      (b) => b.image === 'app' && Date.parse(b.requestedAt) > Date.parse('2027-01-05T20:00:00Z'),
    );
    const first = late[0];
    expect(first?.flagged?.reason).toBe('built on hardened 1.0.0/2, itself built on revoked base 1.0.0/2');
    const history = (await goldsmith(['history', 'app', '--local', cloud])).stdout;
    expect(history).toContain(
      'flagged: built on hardened 1.0.0/2, itself built on revoked base 1.0.0/2; held out of every further channel; ' +
        'held until hardened is rebuilt on the rolled-back parent and promoted to staging; its rebuild on that one is promoted instead',
    );
  });
});
