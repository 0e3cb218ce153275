import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogInput } from '../../core/config/schema.js';
import type { SimulationResult } from '../../local/simulator/index.js';
import { al2023Image, catalogInput, devChannel, OPENSSL_RELEASES, opensslRelease } from './helpers.js';
import { CANARY, PRD, rolloutNotes } from './rollout-catalog.js';
import { goldsmith, simulateSaved } from './saved-run.js';

/**
 * Prod rolls out in three waves of realistic groups: the canary OU holds a tenant's Spot mixed-instances group (three
 * instance types, On-Demand base and percentage) and a team's plain group; wave-1 an ECS capacity provider's group
 * (every instance protected from scale in) and a group with an instance in Standby; rest the canary account's plain
 * group. The channel leaves protected and Standby instances alone (the defaults, Ignore) and a late alarm takes its
 * whole wave back (lateAlarmScope wave). 1.0.0/2 rolls out; once the canary wave is healthy, the team deploys its
 * own template version (instance type and user data), then the tenant's alarm fires while wave-1 refreshes. 1.0.0/3
 * comes later and completes, though the Standby team's account moves from wave-1's OU to the canary's while wave-1
 * refreshes its group.
 */
const catalog = catalogInput({ base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) }, [
  devChannel({ soak: '1h' }),
  {
    name: 'prod',
    targets: { ous: [...PRD], accounts: [CANARY] },
    soak: '1h',
    rollout: {
      waves: [
        { name: 'canary', ous: [PRD[0]] },
        { name: 'wave-1', ous: [PRD[1]] },
        { name: 'rest', accounts: [CANARY] },
      ],
      bakeMinutes: 30,
      alarms: ['app-5xx'],
      lateAlarmScope: 'wave',
    },
  },
] satisfies CatalogInput['channels']);
// The organization's accounts, two per OU: dev's first, then each prod OU's.
const [TENANT, TEAM, ECS, STANDBY] = ['200000000003', '200000000004', '200000000005', '200000000006'];
const [V2, V3] = ['1.0.0/2', '1.0.0/3'];
/**
 * The Standby team's account moves from wave-1's OU to the canary's while 1.0.0/3's wave-1 refreshes its group: the
 * member baseline's auto-deployment creates its new stack instance (its own rollout role and grant) before it deletes
 * the old one, whose role the engine holds credentials for.
 */
const MOVED_AT = '2027-01-03T09:35:00Z';
const OU_MOVES: Record<string, unknown>[] = [
  { at: MOVED_AT, kind: 'organization', change: 'move-account', account: STANDBY, to: PRD[0] },
];
const scenario = {
  start: '2027-01-01T00:00:00Z',
  until: '2027-01-04T02:00:00Z',
  organization: { accountsPerOu: 2 },
  events: [
    opensslRelease('2027-01-01T08:00:00Z', '3.0.1'),
    opensslRelease('2027-01-02T20:00:00Z', '3.0.2'),
    // After the canary wave's healthy at 23:27, before the tenant's alarm.
    {
      at: '2027-01-02T23:30:00Z',
      kind: 'team-deploy',
      image: 'base',
      channel: 'prod',
      account: TEAM,
      instanceType: 'm6i.xlarge',
      userData: '#!/bin/sh\necho team',
    },
    ...OU_MOVES,
    opensslRelease('2027-01-03T06:00:00Z', '3.0.3'),
  ],
  // The tenant's alarm in the finished canary wave, while wave-1 refreshes (23:27 to about 00:02).
  faults: { alarms: [{ at: '2027-01-02T23:50:00Z', account: TENANT, alarm: 'app-5xx', for: '2h' }] },
  fleets: [
    {
      image: 'base',
      channel: 'prod',
      instances: 2,
      teams: { prompt: 1, late: 0, never: 0 },
      promptDays: 1,
      rollout: 1,
      shapes: { [TENANT]: 'spot-mixed', [ECS]: 'ecs-capacity-provider', [STANDBY]: 'standby' },
    },
  ],
};

describe('a rollout through realistic groups, a team deploy and a tenant alarm, on the local cloud', () => {
  let root: string;
  let cloud: string;
  let report: SimulationResult['report'];

  beforeAll(async () => {
    ({ root, cloud, report } = await simulateSaved('goldsmith-realistic-fleet-', catalog, scenario));
  }, 300_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('halts 1.0.0/2 for the documented reason, leaves the team as it deployed, and completes 1.0.0/3', () => {
    expect(rolloutNotes(report, V2).map((n) => n.subject)).toEqual([
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
      `base ${V2}: group base-prod (${TEAM}) skipped in the prod rollout`,
      `base ${V2}: prod rollout halted at wave 1/3 (canary)`,
      `base ${V2}: 1 group of wave 1/3 (canary) taken back in the halted prod rollout`,
    ]);
    const halted = report.rollouts.find((r) => r.version === V2);
    expect(halted?.reason).toBe(`wave canary alarm app-5xx in ALARM in ${TENANT} us-east-1 after the wave finished`);
    expect(halted?.waves.map((w) => [w.name, w.state, w.back])).toEqual([
      ['canary', 'failed', 1],
      ['wave-1', 'failed', 0],
      ['rest', 'pending', 0],
    ]);
    expect(report.rollouts.find((r) => r.version === V3)?.waves.map((w) => w.state)).toEqual([
      'healthy',
      'healthy',
      'healthy',
    ]);
  });

  it("audits the mixed group's types and Spot split, the protected and Standby preference, the team's version and the waves", () => {
    expect(report.consistency.problems).toEqual([]);
    const checks = report.consistency.checks ?? {};
    // The rollout role's ten refreshes: 1.0.0/2's four (wave-1's two cancelled), the tenant's group back, 1.0.0/3's five.
    for (const check of ['mixed-policy-kept', 'protected-standby-preference', 'team-version-kept'])
      expect(checks[check], check).toBe(10);
    expect(checks['waves-ended']).toBe(3);
  });

  it('keeps the account moved mid-rollout launching: one CURRENT stack instance, its role and grant, its group refreshed to 1.0.0/3 once', async () => {
    const moved = Date.parse(MOVED_AT);
    const baseline = report.memberBaseline;
    const instances = baseline?.instances.filter((i) => i.account === STANDBY) ?? [];
    expect(instances.map((i) => i.status)).toEqual(['CURRENT']);
    expect(Date.parse(instances[0]?.at ?? '')).toBeGreaterThan(moved);
    // The new instance's role alone (the old one deleted with its stack), and its grant, in force since the move.
    expect(baseline?.rolloutRoles.filter((a) => a === STANDBY)).toEqual([STANDBY]);
    const grants = baseline?.grants.filter((g) => g.account === STANDBY) ?? [];
    expect(grants).toHaveLength(1);
    expect(Date.parse(grants[0]?.inForceAt ?? '')).toBeGreaterThan(moved);
    // The end-of-run audit finds the key usable by every target's Auto Scaling, the moved account's included.
    expect(report.consistency.checks?.['key-usable-by-targets']).toBeGreaterThan(0);
    expect(report.consistency.problems).toEqual([]);
    // Its group refreshed once, read to Successful across the move (the old role's credentials refused on the way).
    const { stdout } = await goldsmith(['rollout', 'status', 'base', 'prod', '--version', V3, '--local', cloud]);
    expect(stdout.split('\n').filter((l) => l.includes(`${STANDBY} us-east-1 base-prod`))).toEqual([
      expect.stringMatching(/: Successful /),
    ]);
    expect(rolloutNotes(report, V3).map((n) => n.subject)).toContain(`base ${V3}: prod rollout completed`);
  });

  it('counts the protected and Standby instances 1.0.0/3 left on the old version, and keeps the team’s version', async () => {
    const { stdout } = await goldsmith(['rollout', 'status', 'base', 'prod', '--version', V3, '--local', cloud]);
    expect(stdout).toMatch(
      new RegExp(`${ECS} us-east-1 base-prod: Successful .*; left on v1: 2 instances \\(2 protected from scale in\\)`),
    );
    expect(stdout).toMatch(
      new RegExp(`${STANDBY} us-east-1 base-prod: Successful .*; left on v1: 1 instance \\(1 in Standby\\)`),
    );
    // The team's group goes from its own version (v3: 1.0.0/2's AMI with its instance type) to 1.0.0/3's.
    expect(stdout).toMatch(new RegExp(`${TEAM} us-east-1 base-prod: Successful \\(template \\S+ v3 -> v4,`));
    const before = await goldsmith(['rollout', 'status', 'base', 'prod', '--version', V2, '--local', cloud]);
    expect(before.stdout).toMatch(new RegExp(`${TEAM} us-east-1 base-prod.*its team moved it on since the rollout`));
  });

  it("history tells each wave's steps in causal order: healthy, the halt, then the take-back it caused", async () => {
    const { stdout } = await goldsmith(['history', 'base', '--local', cloud]);
    const lines = stdout.split('\n').filter((l) => / 1\.0\.0\/2 +prod +rollout/.test(l));
    const index = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const healthy = index(/wave 1\/3 \(canary\) healthy/);
    const halt = index(/rollout halted: wave canary alarm app-5xx in ALARM in 200000000003/);
    // lateAlarmScope wave: the whole wave went (the team's group, moved on since, stayed as it was).
    const back = index(
      /wave 1\/3 \(canary\): 1\/2 groups back on their previous .*\(lateAlarmScope wave: the whole wave/,
    );
    expect(healthy).toBeGreaterThanOrEqual(0);
    expect([healthy < halt, halt < back]).toEqual([true, true]);
    const times = lines.map((l) => l.slice(0, 16));
    expect(times).toEqual([...times].sort());
  });
});
