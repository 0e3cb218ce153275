import { describe, expect, it } from 'vitest';
import { CANARY, FOLLOWING_FLEET, rolloutNotes, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';
import { goldsmith, useSavedRun } from './saved-run.js';

/**
 * The documented recovery of an ECS canary (docs/rollout/failure.md, "The canary moved no instance"): prod's canary
 * account runs an ECS capacity provider's group, every instance protected from scale in, and the channel leaves
 * protected instances alone (`protectedInstances` Ignore, the default). 1.0.0/2's canary refresh ends Successful having
 * replaced none of them, so the rollout halts there. The team lifts the protection (SetInstanceProtection, the
 * scenario's `instance-state` event), an operator runs `rollout retry`, and the rollout completes: the canary's
 * replacements run 1.0.0/2 (protected again, as the capacity provider wants), then the other waves.
 */
const catalog = threeWaveCatalog();
const V2 = '1.0.0/2';
const base = threeWaveScenario('2027-01-04T00:00:00Z', [
  {
    at: '2027-01-03T02:00:00Z',
    kind: 'instance-state',
    image: 'base',
    channel: 'prod',
    account: CANARY,
    change: 'unprotect',
  },
  {
    at: '2027-01-03T03:00:00Z',
    kind: 'operator',
    request: { action: 'rollout-retry', image: 'base', channel: 'prod', reason: 'protection lifted on the ECS canary' },
  },
]);
const scenario = { ...base, fleets: [{ ...FOLLOWING_FLEET, shapes: { [CANARY]: 'ecs-capacity-provider' } }] };

describe("an ECS canary's documented recovery: halted on protected instances, protection lifted, retried, completed", () => {
  const run = useSavedRun('goldsmith-rollout-ecs-canary-', catalog, scenario);

  it('halts the first attempt at the canary, then completes from it once the team lifted the protection', () => {
    const { report } = run();
    expect(rolloutNotes(report, V2).map((n) => n.subject)).toEqual([
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: 1 group moved no instance in the prod rollout, wave 1/3 (canary)`,
      `base ${V2}: prod rollout halted at wave 1/3 (canary)`,
      `base ${V2}: prod rollout resumed by goldsmith-cli from wave 1/3 (canary) (retry 1)`,
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) healthy`,
      `base ${V2}: prod rollout wave 3/3 (rest) started`,
      `base ${V2}: prod rollout wave 3/3 (rest) healthy`,
      `base ${V2}: prod rollout completed`,
    ]);
    expect(report.rollouts.find((r) => r.version === V2)).toMatchObject({ state: 'completed', retries: 1 });
    // Every prod instance runs 1.0.0/2 at the end, the canary's two included.
    const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    expect(days.at(-1)?.instances).toEqual({ [V2]: 10 });
    expect(report.consistency.problems).toEqual([]);
  });

  it('history tells why it halted, the retry, and the end; status shows the canary moved from the first attempt’s version', async () => {
    const { cloud } = run();
    const history = await goldsmith(['history', 'base', '--channel', 'prod', '--local', cloud]);
    const lines = history.stdout.split('\n').filter((l) => l.includes(`${V2} `) && l.includes('rollout'));
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const halted = at(/rollout halted: canary moved no instance: .*2 instances \(2 protected from scale in\)/);
    expect(halted).toBeGreaterThanOrEqual(0);
    expect(at(/rollout retried by .* from wave 1\/3 \(canary\): protection lifted/)).toBeGreaterThan(halted);
    expect(lines.at(-1)).toMatch(/rollout completed: 3 wave\(s\), 5 groups refreshed/);
    const status = await goldsmith(['rollout', 'status', 'base', 'prod', '--version', V2, '--local', cloud]);
    // The first attempt left the group on v2 (1.0.0/2's AMI, no instance on it); the retry's v3 moved both.
    expect(status.stdout).toMatch(new RegExp(`${CANARY} us-east-1 base-prod: Successful \\(template \\S+ v2 -> v3,`));
    expect(status.stdout).not.toMatch(/left on/);
  });
});

describe('the same retry without lifting the protection', () => {
  const events = scenario.events.filter((e) => (e as { kind?: string }).kind !== 'instance-state');
  const run = useSavedRun('goldsmith-rollout-ecs-canary-kept-', catalog, { ...scenario, events });

  it('halts at the canary again: its refresh replaced nothing, the larger waves never start', () => {
    const { report } = run();
    expect(rolloutNotes(report, V2).map((n) => n.subject)).toEqual([
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: 1 group moved no instance in the prod rollout, wave 1/3 (canary)`,
      `base ${V2}: prod rollout halted at wave 1/3 (canary)`,
      `base ${V2}: prod rollout resumed by goldsmith-cli from wave 1/3 (canary) (retry 1)`,
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: 1 group moved no instance in the prod rollout, wave 1/3 (canary)`,
      `base ${V2}: prod rollout halted at wave 1/3 (canary)`,
    ]);
    expect(report.rollouts.find((r) => r.version === V2)).toMatchObject({ state: 'halted', retries: 1 });
    expect(report.consistency.problems).toEqual([]);
  });
});

describe('a run that ends after the team lifted the protection, before the retry', () => {
  const events = scenario.events.filter((e) => (e as { kind?: string }).kind !== 'operator');
  const run = useSavedRun('goldsmith-rollout-ecs-canary-lifted-', catalog, { ...scenario, events });

  it('stays halted at the canary and its audit finds nothing: the team’s lifted protection is not the refresh’s doing', () => {
    const { report } = run();
    expect(report.rollouts.find((r) => r.version === V2)).toMatchObject({ state: 'halted', retries: 0 });
    expect(report.consistency.problems).toEqual([]);
  });
});
