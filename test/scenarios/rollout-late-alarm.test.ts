import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { opensslRelease } from './helpers.js';
import { CANARY, rolloutNotes, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, simulateSaved } from './saved-run.js';

/**
 * Prod rolls out in three waves (a canary account, one OU, the other). The teams launched on 1.0.0/1; 1.0.0/2 rolls
 * out, and the canary's alarm fires after its wave finished, while the second wave refreshes. 1.0.0/3 comes later.
 */
const catalog = threeWaveCatalog();
const [V1, V2, V3] = ['1.0.0/1', '1.0.0/2', '1.0.0/3'];
// Once the alarm is over, the next version. The canary is healthy at 23:27 and wave-1 refreshes until about 00:02: the
// canary's alarm fires in between.
const scenario = threeWaveScenario('2027-01-04T02:00:00Z', [opensslRelease('2027-01-03T06:00:00Z', '3.0.3')], {
  alarms: [{ at: '2027-01-02T23:40:00Z', account: CANARY, alarm: 'app-5xx', for: '2h' }],
});

type Report = SimulationResult['report'];

describe("a finished canary's alarm fires while the next wave refreshes, on the local cloud", () => {
  let root: string;
  let cloud: string;
  let report: Report;

  beforeAll(async () => {
    ({ root, cloud, report } = await simulateSaved('goldsmith-rollout-late-alarm-', catalog, scenario));
  }, 300_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('halts, takes the canary back, starts no later wave, and then rolls the next version out normally', async () => {
    expect(rolloutNotes(report, V2).map((n) => n.subject)).toEqual([
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
      `base ${V2}: prod rollout halted at wave 1/3 (canary)`,
      `base ${V2}: prod rollout wave 1/3 (canary) rolled back`,
    ]);
    expect(rolloutNotes(report, V3).map((n) => n.subject)).toEqual([
      `base ${V3}: prod rollout wave 1/3 (canary) started`,
      `base ${V3}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V3}: prod rollout wave 2/3 (wave-1) started`,
      `base ${V3}: prod rollout wave 2/3 (wave-1) healthy`,
      `base ${V3}: prod rollout wave 3/3 (rest) started`,
      `base ${V3}: prod rollout wave 3/3 (rest) healthy`,
      `base ${V3}: prod rollout completed`,
    ]);
    const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    // The next day: the canary's 2 instances back on 1.0.0/1, wave-1's cancelled refresh had replaced its 4 already
    // (a cancel rolls nothing back), rest never refreshed. A day later every instance runs 1.0.0/3.
    expect(days.map((d) => d.instances)).toContainEqual({ [V1]: 6, [V2]: 4 });
    expect(days.at(-1)?.instances).toEqual({ [V3]: 10 });
    expect(report.consistency.problems).toEqual([]);
    const { stdout } = await goldsmith(['history', 'base', '--local', cloud]);
    expect(stdout).toMatch(
      /1\.0\.0\/2 +prod +rollout halted.*wave canary alarm app-5xx in ALARM in 300000000001 us-east-1 after the wave finished/,
    );
    expect(stdout).not.toMatch(/1\.0\.0\/2 +prod +rollout wave 3\/3 \(rest\) started/);
  });
});
