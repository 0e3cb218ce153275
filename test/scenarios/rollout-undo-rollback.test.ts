import { describe, expect, it } from 'vitest';
import { CANARY, rolloutNotes, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * Prod rolls out 1.0.0/2 in three waves; the canary's late alarm halts it and an operator retries it. While the
 * retried canary refreshes, an operator rolls prod back to 1.0.0/1 by mistake (the canary's group goes back to
 * 1.0.0/1), then undoes the slip with `goldsmith rollback base prod --to 1.0.0/2 --reason undo`.
 */
const catalog = threeWaveCatalog();
const [V1, V2] = ['1.0.0/1', '1.0.0/2'];
const OPS = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/goldsmith-cli';

/** The user's sequence up to the slip, then `then` (the undo, and whatever follows it). */
const sequence = (then: Record<string, unknown>[], until = '2027-01-04T00:00:00Z') =>
  threeWaveScenario(
    until,
    [
      {
        at: '2027-01-03T04:00:00Z',
        kind: 'operator',
        request: { action: 'rollout-retry', image: 'base', channel: 'prod', reason: 'the 5xx came from a bad deploy' },
      },
      { at: '2027-01-03T04:05:00Z', kind: 'rollback', image: 'base', channel: 'prod', version: V1, reason: 'oops' },
      ...then,
    ],
    { alarms: [{ at: '2027-01-02T23:40:00Z', account: CANARY, alarm: 'app-5xx', for: '2h' }] },
  );
const undo = (at: string) => ({ at, kind: 'rollback', image: 'base', channel: 'prod', version: V2, reason: 'undo' });

describe('undoing a mistaken rollback starts the rollout it superseded again, on the local cloud', () => {
  const run = useSavedRun('goldsmith-rollout-undo-rollback-', catalog, sequence([undo('2027-01-03T08:00:00Z')]));

  it('every group of every wave ends on the version rolled forward to, its rollout completed', () => {
    const { report } = run();
    const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    expect(days.at(-1)?.instances).toEqual({ [V2]: 10 });
    expect(report.rollouts.find((r) => r.version === V2)).toMatchObject({ state: 'completed', retries: 2 });
    const notes = rolloutNotes(report, V2).map((n) => n.subject);
    const again = notes.indexOf(`base ${V2}: prod rollout starts again by goldsmith-cli from wave 1/3 (canary)`);
    expect(again).toBeGreaterThan(0);
    expect(notes.slice(again + 1)).toEqual([
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) healthy`,
      `base ${V2}: prod rollout wave 3/3 (rest) started`,
      `base ${V2}: prod rollout wave 3/3 (rest) healthy`,
      `base ${V2}: prod rollout completed`,
    ]);
    expect(report.consistency.problems).toEqual([]);
  });

  it('history tells the supersede, the undo and the rollout started again; status shows that rollout', async () => {
    const { stdout } = await goldsmith(['history', 'base', '--channel', 'prod', '--local', run().cloud]);
    const lines = stdout.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const superseded = at(/1\.0\.0\/2 +prod +rollout superseded: rolled back: oops; 1 group of canary rolled forward/);
    expect(superseded).toBeGreaterThan(0);
    expect(at(/pointer rolled forward from 1\.0\.0\/1 to 1\.0\.0\/2 by .*: undo$/)).toBeGreaterThan(superseded);
    expect(
      at(/rollout of 1\.0\.0\/2 to prod starts again from wave 1\/3 \(canary\), by .*: rolled forward: undo$/),
    ).toBe(at(/pointer rolled forward from 1\.0\.0\/1/) + 1);
    expect(lines.filter((l) => l.trim()).at(-1)).toMatch(/1\.0\.0\/2 +prod +rollout completed: 3 wave\(s\), 5 groups/);
    // The earlier version's long-finished rollout is not taken back by the undo: the restarted rollout moves the groups.
    expect(stdout).not.toMatch(/1\.0\.0\/1 +prod +rollout superseded/);
    const status = await goldsmith(['status', '--local', run().cloud]);
    expect(status.stdout).toMatch(
      /\n +rollout 1\.0\.0\/2: completed 2027-01-03 \d\d:\d\d, 3 waves, 5 groups refreshed\n/,
    );
    expect(status.stdout).not.toMatch(/rollout 1\.0\.0\/1:/);
  });
});

describe('undoing a rollback while its groups still go back: `rollout retry` starts the rollout again once they are', () => {
  const retry = {
    at: '2027-01-03T06:00:00Z',
    kind: 'operator',
    request: { action: 'rollout-retry', image: 'base', channel: 'prod', version: V2, reason: 'after the undo' },
  };
  const run = useSavedRun('goldsmith-rollout-undo-early-', catalog, sequence([undo('2027-01-03T04:06:00Z'), retry]));

  it('every group ends on the version rolled forward to, the rollout retried from its first wave', async () => {
    const { report, cloud } = run();
    const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    expect(days.at(-1)?.instances).toEqual({ [V2]: 10 });
    expect(report.rollouts.find((r) => r.version === V2)).toMatchObject({ state: 'completed' });
    const { stdout } = await goldsmith(['history', 'base', '--channel', 'prod', '--local', cloud]);
    // The roll-forward found the canary's group still going back: it left the rollout for the operator's retry, and
    // took back no rollout of 1.0.0/1.
    expect(stdout).toMatch(/pointer rolled forward from 1\.0\.0\/1 to 1\.0\.0\/2 by .*: undo\n/);
    expect(stdout).not.toMatch(/1\.0\.0\/1 +prod +rollout superseded/);
    expect(stdout).toMatch(
      new RegExp(`rollout of 1\\.0\\.0/2 to prod starts again from wave 1/3 \\(canary\\), by ${OPS}: after the undo`),
    );
  });
});

describe('the undo as the operator types it, while the canary still goes back: its answer names the retry', () => {
  const run = useSavedRun('goldsmith-rollout-undo-cli-', catalog, sequence([], '2027-01-03T04:05:30Z'));

  it('moves the pointer forward and says how the rollout starts again once its groups are back', async () => {
    const args = ['rollback', 'base', 'prod', '--to', V2, '--reason', 'undo', '--local', run().cloud, '--as', OPS];
    const forward = await goldsmith(args);
    expect(forward.code, forward.stderr).toBe(0);
    expect(forward.stdout).toContain(
      `rollback: base/prod moved forward from ${V1} to ${V2}\n  the rollback to ${V1} is taken back: ${V2} passed prod's gates before\n` +
        `  rollout of ${V2} to prod not started again (the rollout of base ${V2} to prod is still taking its groups back after it was superseded: ` +
        `retry once rollout status shows every group back): run \`goldsmith rollout retry base prod --version ${V2}\`\n`,
    );
  });
});

describe('the undo as the operator types it, the canary back on the older version: its answer says the rollout starts again', () => {
  const run = useSavedRun('goldsmith-rollout-undo-cli-late-', catalog, sequence([], '2027-01-03T06:00:00Z'));

  it('moves the pointer forward and starts the rollout again from its first wave', async () => {
    const args = ['rollback', 'base', 'prod', '--to', V2, '--reason', 'undo', '--local', run().cloud, '--as', OPS];
    const forward = await goldsmith(args);
    expect(forward.code, forward.stderr).toBe(0);
    expect(forward.stdout).toContain(
      `rollback: base/prod moved forward from ${V1} to ${V2}\n  the rollback to ${V1} is taken back: ${V2} passed prod's gates before\n` +
        `  rollout of ${V2} to prod starts again: wave 1/3 (canary) first, by a new execution\n`,
    );
  });
});
