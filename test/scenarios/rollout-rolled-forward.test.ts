import { describe, expect, it } from 'vitest';
import { opensslRelease } from './helpers.js';
import { rolloutNotes, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * Prod rolls out in three waves. 1.0.0/2 rolls out to every group, then 1.0.0/3 does; an operator rolls prod back
 * to 1.0.0/2 by mistake (the regression was another image's), then takes it back with `goldsmith rollback base prod
 * --to 1.0.0/3`: a roll-forward, which starts 1.0.0/3's rollout (superseded by the rollback) again from its first
 * wave, every group back on 1.0.0/3.
 */
const catalog = threeWaveCatalog();
const [V2, V3] = ['1.0.0/2', '1.0.0/3'];
const scenario = threeWaveScenario('2027-01-08T00:00:00Z', [
  opensslRelease('2027-01-04T20:00:00Z', '3.0.3'),
  { at: '2027-01-06T09:00:00Z', kind: 'rollback', image: 'base', channel: 'prod', reason: 'kernel regression' },
  {
    at: '2027-01-06T15:00:00Z',
    kind: 'rollback',
    image: 'base',
    channel: 'prod',
    version: V3,
    reason: 'the regression was in web-runtime, not base',
  },
]);

describe("an operator's roll-forward takes a mistaken rollback back, on the local cloud", () => {
  const run = useSavedRun('goldsmith-rollout-rolled-forward-', catalog, scenario);

  it('puts every group back on the newer version, and says which way each move went', () => {
    const { report } = run();
    const prod = report.notifications.filter((n) => n.event === 'rolled-back').map((n) => n.subject);
    expect(prod).toEqual([`base/prod: rolled back to ${V2}`, `base/prod: rolled forward to ${V3}`]);
    expect(rolloutNotes(report, V3).at(-1)?.subject).toBe(`base ${V3}: prod rollout completed`);
    const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    expect(days.at(-1)?.instances).toEqual({ [V3]: 10 });
    expect(report.consistency.problems).toEqual([]);
  });

  it('history tells the rollback, the roll-forward, and the groups each took where', async () => {
    const { stdout } = await goldsmith(['history', 'base', '--channel', 'prod', '--local', run().cloud]);
    expect(stdout).toMatch(new RegExp(`pointer rolled back from ${V3} to ${V2} by .*: kernel regression`));
    expect(stdout).toMatch(new RegExp(`pointer rolled forward from ${V2} to ${V3} by .*: the regression was in`));
    expect(stdout).toMatch(
      new RegExp(
        `${V3} +prod +rollout superseded: rolled back: kernel regression; 5 groups .* rolled forward to ${V2}`,
      ),
    );
    // The rollout of 1.0.0/3 as it had ended, its supersede, and its new run: no take-back of 1.0.0/2's rollout.
    const lines = stdout.split('\n').filter((l) => l.includes(`${V3}   prod`) && l.includes('rollout'));
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/rollout completed: 3 wave\(s\), 5 groups refreshed/)).toBeGreaterThanOrEqual(0);
    expect(at(/rollout superseded: rolled back/)).toBeGreaterThan(at(/rollout completed: 3 wave/));
    expect(
      at(new RegExp(`rollout of ${V3} to prod starts again from wave 1/3 \\(canary\\), by .*: rolled forward: the`)),
    ).toBe(at(/rollout superseded: rolled back/) + 1);
    expect(lines.at(-1)).toMatch(/rollout completed: 3 wave\(s\), 5 groups refreshed$/);
    expect(stdout).not.toMatch(new RegExp(`${V2} +prod +rollout superseded`));
  });

  it('status names the version, the roll-forward that brought it back, and its rollout run again', async () => {
    const { stdout } = await goldsmith(['status', '--local', run().cloud]);
    expect(stdout).toMatch(
      new RegExp(`prod .*${V3}.*rolled forward by .*: the regression was in web-runtime, not base \\(from ${V2}\\)`),
    );
    expect(stdout).toMatch(new RegExp(`rollout ${V3}: completed 2027-01-06 .*, 3 waves, 5 groups refreshed`));
    expect(stdout).not.toMatch(/rollout 1\.0\.0\/2:/);
  });
});
