import { describe, expect, it } from 'vitest';
import { expectStartedWavesTakenBack, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * Prod rolls out in three waves (a canary account, one OU, the other) and revokes a version on a critical finding.
 * The teams launched on 1.0.0/1; 1.0.0/2 rolls out and a critical CVE in it arrives while its second wave refreshes.
 */
const catalog = threeWaveCatalog({ vulnerabilities: { maxCritical: 0, maxHigh: 5, revokeOn: ['critical'] } });
const V2 = '1.0.0/2';
// Before the rebuild the revocation asks for (1.0.0/3) reaches prod at 02:32; the finding lands while wave-1 refreshes.
const scenario = threeWaveScenario('2027-01-03T02:00:00Z', [
  { at: '2027-01-02T23:40:00Z', kind: 'cve', image: 'base', version: V2, critical: 1 },
]);

describe('a critical finding revokes the version while its second wave refreshes, on the local cloud', () => {
  const run = useSavedRun('goldsmith-rollout-revoked-', catalog, scenario);

  it('starts no later wave and puts the groups of the two started waves on the version the pointer went back to', () => {
    expectStartedWavesTakenBack(run().report);
  });

  it('history tells the revocation and where the groups went', async () => {
    const { stdout } = await goldsmith(['history', 'base', '--local', run().cloud]);
    expect(stdout).toMatch(/1\.0\.0\/2 +prod +rollout wave 2\/3 \(wave-1\) started: 2 groups in 2 account/);
    expect(stdout).toMatch(
      /1\.0\.0\/2 +prod +rollout superseded: revoked: .*; 3 groups of canary, wave-1 rolled forward to 1\.0\.0\/1/,
    );
    expect(stdout).not.toMatch(/\(rest\) started/);
  });
});
