import { beforeAll, describe, expect, it } from 'vitest';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { catalogOf, REPO_ROOT, scenarioBetween } from './helpers.js';
import { PRD, rolloutNotes, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * An account of wave-1's OU moves to the last wave's OU while wave-1's refreshes bake, so the organization holds it
 * in the last wave's OU when that wave starts. Each account is in one wave per rollout: it is refreshed once, by
 * wave-1, and the rollout completes (taken again by the last wave, its second launch template version would reuse
 * the first one's client token with another source version, which EC2 refuses: IdempotentParameterMismatch).
 */
const V2 = '1.0.0/2';
/** The first account of PRD[0] (the dev OU's two accounts come first). */
const MOVER = '200000000003';
const MOVED_AT = '2027-01-02T23:45:00Z';

describe('an account that moves to a later wave’s OU mid-rollout, on the local cloud', () => {
  const move = { at: MOVED_AT, kind: 'organization', change: 'move-account', account: MOVER, to: PRD[1] };
  const saved = useSavedRun(
    'goldsmith-rollout-move-',
    threeWaveCatalog(),
    threeWaveScenario('2027-01-04T00:00:00Z', [move]),
  );

  it('completes the rollout, every wave healthy', () => {
    // Each wave started and healthy in turn, then the completion: nothing halted, nothing told twice.
    const waves = ['1/3 (canary)', '2/3 (wave-1)', '3/3 (rest)'];
    const told = waves.flatMap((w) => [`wave ${w} started`, `wave ${w} healthy`]);
    expect(rolloutNotes(saved().report, V2).map((n) => n.subject)).toEqual(
      [...told, 'completed'].map((what) => `base ${V2}: prod rollout ${what}`),
    );
    expect(saved().report.consistency.problems).toEqual([]);
  });

  it('refreshes the moved account once, in wave-1, and rollout status says where it went', async () => {
    const { code, stdout } = await goldsmith([
      'rollout',
      'status',
      'base',
      'prod',
      '--version',
      V2,
      '--local',
      saved().cloud,
    ]);
    expect(code).toBe(0);
    const refreshes = stdout.split('\n').filter((l) => l.startsWith(`    ${MOVER} `));
    expect(refreshes).toHaveLength(1);
    const rest = stdout.slice(stdout.indexOf('wave 3/3 rest'));
    expect(rest).not.toContain(`    ${MOVER} us-east-1`);
    expect(rest).toContain(
      `    1 account moved here after an earlier wave refreshed it, left to that wave: ${MOVER} (wave-1)\n`,
    );
  });

  it('history tells the last wave started without it, and where it was refreshed', async () => {
    const { stdout } = await goldsmith(['history', 'base', '--local', saved().cloud]);
    expect(stdout).toMatch(
      new RegExp(
        `1\\.0\\.0/2 +prod +rollout wave 3/3 \\(rest\\) started: 2 groups in 2 account\\(s\\); 1 account moved here after an earlier wave refreshed it, left to that wave: ${MOVER} \\(wave-1\\)`,
      ),
    );
    expect(stdout).toMatch(/1\.0\.0\/2 +prod +rollout completed: 3 wave\(s\), 5 groups refreshed/);
  });
});

describe('a moved account left without its rollout role for a while (StackSets deletes, then queues the create)', () => {
  let result: SimulationResult;
  /** StackSets' auto-deployment (5 minutes after the move), the old stack's deletion, then 20 minutes in the queue. */
  const SETTLE_MINUTES = 20;

  beforeAll(async () => {
    const move = { at: MOVED_AT, kind: 'organization', change: 'move-account', account: MOVER, to: PRD[1] };
    const scenario = threeWaveScenario('2027-01-04T00:00:00Z', [move]);
    result = await simulate(
      catalogOf(threeWaveCatalog()),
      scenarioBetween('2027-01-01T00:00:00Z', '2027-01-04T00:00:00Z', {
        ...scenario,
        organization: { ...scenario.organization, stackSetMoveSettleMinutes: SETTLE_MINUTES },
      }),
      REPO_ROOT,
    );
  }, 300_000);

  it('waits for the moving account before judging its wave, then completes, the account refreshed once', () => {
    const notes = rolloutNotes(result.report, V2);
    expect(notes.map((n) => n.subject).at(-1)).toBe(`base ${V2}: prod rollout completed`);
    const healthy = notes.find((n) => n.subject.endsWith('(wave-1) healthy'));
    // Without the wait, wave-1 is healthy at 00:02; its account's new role exists only once the queued create ran.
    const roleBack = Date.parse(MOVED_AT) + (5 + 1 + SETTLE_MINUTES) * 60_000;
    expect(Date.parse(healthy?.at ?? '')).toBeGreaterThan(roleBack);
    const rollout = result.report.rollouts?.find((r) => r.version === V2 && r.channel === 'prod');
    expect(rollout?.waves.map((w) => [w.name, w.state, w.groups])).toEqual([
      ['canary', 'healthy', 1],
      ['wave-1', 'healthy', 2],
      ['rest', 'healthy', 2],
    ]);
    expect(result.report.consistency.problems).toEqual([]);
  });
});

describe('an account that moves into an earlier wave’s OU after that wave started, on the local cloud', () => {
  /** The first account of PRD[1], the last wave's OU: it moves into wave-1's OU while wave-1's refreshes bake. */
  const LATE = '200000000005';
  const move = { at: MOVED_AT, kind: 'organization', change: 'move-account', account: LATE, to: PRD[0] };
  const saved = useSavedRun(
    'goldsmith-rollout-late-move-',
    threeWaveCatalog(),
    threeWaveScenario('2027-01-04T00:00:00Z', [move]),
  );

  it('refreshes it in the next wave that starts, so every group of the channel’s waves is refreshed', () => {
    const rollout = saved().report.rollouts?.find((r) => r.version === V2 && r.channel === 'prod');
    expect(rollout?.waves.map((w) => [w.name, w.state, w.groups])).toEqual([
      ['canary', 'healthy', 1],
      ['wave-1', 'healthy', 2],
      ['rest', 'healthy', 2],
    ]);
    expect(saved().report.consistency.problems).toEqual([]);
  });

  it('rollout status and history name it under the wave that took it, with the wave whose OUs hold it', async () => {
    const status = await goldsmith(['rollout', 'status', 'base', 'prod', '--version', V2, '--local', saved().cloud]);
    expect(status.code).toBe(0);
    const rest = status.stdout.slice(status.stdout.indexOf('wave 3/3 rest'));
    expect(rest).toContain(`    ${LATE} us-east-1`);
    const taken = `1 account in an earlier wave's OUs that wave never reached (moved there after it started), taken by this wave: ${LATE} (wave-1)`;
    expect(rest).toContain(`    ${taken}\n`);
    const { stdout } = await goldsmith(['history', 'base', '--local', saved().cloud]);
    expect(stdout).toContain(`rollout wave 3/3 (rest) started: 2 groups in 2 account(s); ${taken}`);
    expect(stdout).toMatch(/1\.0\.0\/2 +prod +rollout completed: 3 wave\(s\), 5 groups refreshed/);
  });
});
