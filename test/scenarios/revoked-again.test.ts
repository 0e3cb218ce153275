import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../local/simulator/timeline.js';
import { al2023Image, catalogInput, devThenProdSoakingAnHour, OPENSSL_RELEASES } from './helpers.js';
import { revokedThenRestored } from './revocation-events.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * base 1.0.0/2 revoked by an operator, restored (the CVE did not apply), then revoked again for another CVE: the
 * ledger keeps both revocations, and `history` tells each with its own reason, the restore between them, and no
 * revocation request, since nobody requested one.
 */
const catalog = catalogInput(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  devThenProdSoakingAnHour(),
);
const scenario = {
  start: '2027-01-01T00:00:00Z',
  until: '2027-01-09T00:00:00Z',
  organization: { accountsPerOu: 1 },
  events: [
    ...revokedThenRestored('2027-01-07T12:00:00Z'),
    { at: '2027-01-08T12:00:00Z', kind: 'revoke', image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0009' },
  ],
};

describe('a version revoked, restored and revoked again', () => {
  const run = useSavedRun('goldsmith-revoked-again-', catalog, scenario);

  it('history tells both revocations by their own reasons, the restore between them, and no request', async () => {
    const { stdout, code } = await goldsmith(['history', 'base', '--local', run().cloud]);
    expect(code).toBe(0);
    const told = stdout
      .split('\n')
      .map((l) => l.replace(/ {2,}/g, '  '))
      .filter((l) => /^\S+ \S+ {2}1\.0\.0\/2 {2}(revoked by|restored by|revocation requested)/.test(l));
    expect(told).toEqual([
      expect.stringMatching(/^2027-01-06 12:00 {2}1\.0\.0\/2 .*revoked by \S+: CVE-2027-0001$/),
      expect.stringMatching(/^2027-01-07 12:00 {2}1\.0\.0\/2 .*restored by \S+: the CVE does not apply \(no longer/),
      expect.stringMatching(/^2027-01-08 12:00 {2}1\.0\.0\/2 .*revoked by \S+: CVE-2027-0009$/),
    ]);
  });

  it('status tells the channels moved back from it by the revocation that moved them, and that it is revoked again', async () => {
    const { stdout, code } = await goldsmith(['status', '--local', run().cloud]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '1.0.0/2 revoked 2027-01-06 12:00 (CVE-2027-0001), revoked again 2027-01-08 12:00 (CVE-2027-0009)',
    );
    expect(stdout).not.toContain('launchable again');
  });

  it('the timeline tells each revocation and the restore between them, in order, each with its reason and who, folding none', () => {
    const json = run().report as unknown as { timeline: TimelineEntry[]; repeatedOutcomes: { text: string }[] };
    const told = json.timeline
      .filter((e) => e.kind === 'lifecycle' && ['revoked', 'version-restored'].includes(e.outcome ?? ''))
      .map((e) => `${e.at.slice(0, 16)} ${e.text}`);
    expect(told).toEqual([
      expect.stringMatching(/^2027-01-06T12:00 1\.0\.0\/2: revoked — CVE-2027-0001 \(by assumed-role \S+\)$/),
      expect.stringMatching(/^2027-01-07T12:00 1\.0\.0\/2: restored — the CVE does not apply \(by assumed-role \S+\)$/),
      expect.stringMatching(/^2027-01-08T12:00 1\.0\.0\/2: revoked — CVE-2027-0009 \(by assumed-role \S+\)$/),
    ]);
    expect(json.repeatedOutcomes.filter((r) => / revoked|restored/.test(r.text))).toEqual([]);
  });
});
