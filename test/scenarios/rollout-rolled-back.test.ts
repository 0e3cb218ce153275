import { describe, expect, it } from 'vitest';
import { expectStartedWavesTakenBack, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * Prod rolls out in three waves (a canary account, one OU, the other). The teams launched on 1.0.0/1; 1.0.0/2 rolls
 * out, and an operator rolls prod back to 1.0.0/1 (`goldsmith rollback base prod`) while its second wave refreshes:
 * no revocation, only the pointer moved back.
 */
const catalog = threeWaveCatalog();
// A day past the rollback: long enough for the third wave to have started, had the rollout gone on. The rollback lands
// while wave-1 refreshes.
const scenario = threeWaveScenario('2027-01-04T00:00:00Z', [
  { at: '2027-01-02T23:40:00Z', kind: 'rollback', image: 'base', channel: 'prod', reason: 'kernel regression' },
]);

describe("an operator's rollback while the second wave refreshes supersedes the rollout, on the local cloud", () => {
  const run = useSavedRun('goldsmith-rollout-rolled-back-', catalog, scenario);

  it('starts no later wave and puts the groups of the two started waves on the version the pointer went back to', () => {
    expectStartedWavesTakenBack(run().report);
  });

  it('history tells the rollback and where the groups went', async () => {
    const { stdout } = await goldsmith(['history', 'base', '--local', run().cloud]);
    expect(stdout).toMatch(
      /1\.0\.0\/2 +prod +rollout superseded: rolled back: kernel regression; 3 groups of canary, wave-1 rolled forward to 1\.0\.0\/1/,
    );
    expect(stdout).not.toMatch(/\(rest\) started/);
  });
});
