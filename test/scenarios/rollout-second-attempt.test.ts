import { describe, expect, it } from 'vitest';
import { rolloutNotes, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * Prod rolls out in three waves. 1.0.0/2 rolls out to every group; an operator revokes it (its groups go back to
 * 1.0.0/1), restores it, and promotes it through its gates again: the second promotion attempt's Publish starts a
 * rollout of its own through the same waves, and every group runs 1.0.0/2 again.
 */
const catalog = threeWaveCatalog();
const V2 = '1.0.0/2';
const REASON = 'the advisory was withdrawn';
const scenario = threeWaveScenario('2027-01-04T00:00:00Z', [
  {
    at: '2027-01-03T04:00:00Z',
    kind: 'operator',
    request: { action: 'revoke', image: 'base', version: V2, reason: 'advisory' },
  },
  {
    at: '2027-01-03T08:00:00Z',
    kind: 'operator',
    request: { action: 'restore', image: 'base', version: V2, reason: REASON },
  },
  {
    at: '2027-01-03T08:10:00Z',
    kind: 'operator',
    request: { action: 'promote-through-gates', image: 'base', version: V2, reason: REASON },
  },
]);

describe('a second promotion attempt of a restored version rolls out again, on the local cloud', () => {
  const run = useSavedRun('goldsmith-rollout-second-attempt-', catalog, scenario);

  it('refreshes every group through the waves again: attempt 2 runs a rollout of its own, announced anew', () => {
    const { report } = run();
    const waves = [
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) healthy`,
      `base ${V2}: prod rollout wave 3/3 (rest) started`,
      `base ${V2}: prod rollout wave 3/3 (rest) healthy`,
      `base ${V2}: prod rollout completed`,
    ];
    const notes = rolloutNotes(report, V2);
    expect(notes.map((n) => n.subject)).toEqual([...waves, ...waves]);
    // The second attempt's waves start once its Publish moved prod's pointer again (after dev's and prod's soaks;
    // each Publish confirms its pointer with one read 2.5 s after writing it).
    expect(notes[waves.length]?.at).toBe('2027-01-03T10:10:05.000Z');
    const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    // Before the revocation: wave-1 refreshing; the day after: every instance back on 1.0.0/2.
    expect(days.at(-2)?.instances).toEqual({ '1.0.0/1': 4, [V2]: 6 });
    expect(days.at(-1)?.instances).toEqual({ [V2]: 10 });
    expect(report.rollouts.find((r) => r.version === V2)).toMatchObject({
      state: 'completed',
      waves: [{ state: 'healthy' }, { state: 'healthy' }, { state: 'healthy' }],
    });
    expect(report.consistency.problems).toEqual([]);
  });

  it("history tells the first attempt's rollout taken back, the second attempt, and its rollout", async () => {
    const { stdout } = await goldsmith(['history', 'base', '--channel', 'prod', '--local', run().cloud]);
    const lines = stdout.split('\n').filter((l) => l.includes(`${V2} `));
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const completed = lines.flatMap((l, i) =>
      /rollout completed: 3 wave\(s\), 5 groups refreshed/.test(l) ? [i] : [],
    );
    expect(completed).toHaveLength(2);
    const takenBack = at(
      /rollout superseded: revoked: advisory; 5 groups of canary, wave-1, rest rolled forward to 1\.0\.0\/1/,
    );
    const second = at(/promotion attempt 2 started by .*: the advisory was withdrawn/);
    expect(takenBack).toBeGreaterThan(completed[0] ?? Infinity);
    expect(second).toBeGreaterThan(takenBack);
    expect(completed[1]).toBeGreaterThan(second);
  });
});
