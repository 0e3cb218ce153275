import { describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * Prod rolls out 1.0.0/2 in three waves; the run is saved while the canary bakes (its refreshes are `Baking` until
 * 23:27). An operator aborts the rollout on the saved cloud, and the run resumes: the cancels end the canary wave.
 */
const OPS = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/ops';

describe('a rollout aborted on a saved cloud mid-wave, then the run resumed', () => {
  const run = useSavedRun('goldsmith-rollout-aborted-', threeWaveCatalog(), threeWaveScenario('2027-01-02T23:10:00Z'));

  it('ends the wave the abort cut short, and the resumed run passes its audit', async () => {
    const before = run().report.rollouts.find((r) => r.version === '1.0.0/2');
    expect(before?.waves[0]?.state).toBe('baking');
    const abort = ['rollout', 'abort', 'base', 'prod', '--reason', 'kernel regression', '--local', run().cloud];
    const aborted = await goldsmith([...abort, '--as', OPS]);
    expect(aborted.code, aborted.stderr).toBe(0);

    const resumed = await goldsmith(['simulate', '--resume', run().cloud, '--until', '2027-01-03T04:00:00Z', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = JSON.parse(resumed.stdout) as SimulationResult['report'];
    expect(report.consistency.problems).toEqual([]);
    const rollout = report.rollouts.find((r) => r.version === '1.0.0/2');
    expect(rollout).toMatchObject({ state: 'aborted' });
    expect(rollout?.waves.map((w) => w.state)).toEqual(['aborted', 'pending', 'pending']);
  });
});
