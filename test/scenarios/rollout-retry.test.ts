import { describe, expect, it } from 'vitest';
import type { SimulationJson } from '../../local/simulator/report-schema.js';
import { CANARY, rolloutNotes, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * Prod rolls out in three waves. The canary's alarm fires after its wave finished, while the second wave refreshes:
 * the rollout of 1.0.0/2 halts and the canary goes back to 1.0.0/1. Once the alarm is over, an operator retries it
 * (`goldsmith rollout retry base prod`): no new build, the same version, from the canary on.
 */
const catalog = threeWaveCatalog();
const V2 = '1.0.0/2';
const scenario = threeWaveScenario(
  '2027-01-04T00:00:00Z',
  [
    {
      at: '2027-01-03T04:00:00Z',
      kind: 'operator',
      request: { action: 'rollout-retry', image: 'base', channel: 'prod', reason: 'the 5xx came from a bad deploy' },
    },
  ],
  { alarms: [{ at: '2027-01-02T23:40:00Z', account: CANARY, alarm: 'app-5xx', for: '2h' }] },
);

describe('an operator retries a halted rollout once its cause is fixed, on the local cloud', () => {
  const run = useSavedRun('goldsmith-rollout-retry-', catalog, scenario);

  it('starts again from the wave that halted, by a new execution, and completes: every instance on the version', () => {
    const { report } = run();
    expect(rolloutNotes(report, V2).map((n) => n.subject)).toEqual([
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
      `base ${V2}: prod rollout halted at wave 1/3 (canary)`,
      `base ${V2}: prod rollout wave 1/3 (canary) rolled back`,
      `base ${V2}: prod rollout resumed by goldsmith-cli from wave 1/3 (canary) (retry 1)`,
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) healthy`,
      `base ${V2}: prod rollout wave 3/3 (rest) started`,
      `base ${V2}: prod rollout wave 3/3 (rest) healthy`,
      `base ${V2}: prod rollout completed`,
    ]);
    const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    expect(days.at(-1)?.instances).toEqual({ [V2]: 10 });
    expect(report.consistency.problems).toEqual([]);
    // The JSON report and the timeline show every wave, the halt and the rollback of the first attempt included.
    expect(report.rollouts.find((r) => r.version === V2)).toMatchObject({ state: 'completed', retries: 1 });
    const marks = (report as SimulationJson).timeline
      .filter((e) => e.kind === 'rollout' && e.version === V2)
      .map((e) => e.outcome);
    expect(marks.slice(0, 6)).toEqual([
      'wave-started',
      'wave-healthy',
      'wave-started',
      'rollout-halted',
      'wave-cancelled',
      'wave-rolled-back',
    ]);
    expect(marks.at(-1)).toBe('rollout-completed');
  });

  it('history tells the halt, the rollback it caused, the retry, then the waves again; a second retry is refused', async () => {
    const { stdout } = await goldsmith(['history', 'base', '--channel', 'prod', '--local', run().cloud]);
    const lines = stdout.split('\n').filter((l) => l.includes(`${V2} `) && l.includes('rollout'));
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/rollout wave 1\/3 \(canary\) healthy/)).toBeGreaterThanOrEqual(0);
    expect(at(/rollout halted: wave canary alarm app-5xx/)).toBeGreaterThan(at(/rollout wave 1\/3 \(canary\) healthy/));
    expect(at(/rollout wave 1\/3 \(canary\) rolled back/)).toBeGreaterThan(at(/rollout halted: wave canary alarm/));
    expect(at(/rollout retried by .* from wave 1\/3 \(canary\): the 5xx came/)).toBeGreaterThan(
      at(/rollout wave 1\/3 \(canary\) rolled back/),
    );
    expect(lines.at(-1)).toMatch(/rollout completed: 3 wave\(s\), 5 groups refreshed/);

    const ops = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/ops';
    const again = await goldsmith(['rollout', 'retry', 'base', 'prod', '--local', run().cloud, '--as', ops]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^goldsmith rollout retry: the rollout of base 1\.0\.0\/2 to prod ended completed at .*: nothing to retry \(only a halted rollout is retried\)\n$/,
    );
  });
});
