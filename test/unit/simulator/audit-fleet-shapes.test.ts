import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../core/config/schema.js';
import { ROLLOUT_TAG } from '../../../core/names.js';
import { AutoScalingGroups } from '../../../local/fakes/autoscaling-groups.js';
import { mixedPolicyOf } from '../../../local/fakes/autoscaling-mixed.js';
import type { InstanceRefresh, RefreshPrefs } from '../../../local/fakes/autoscaling-refresh-types.js';
import { FleetState } from '../../../local/fakes/ec2-fleet.js';
import { LaunchTemplates } from '../../../local/fakes/launch-templates.js';
import { auditFleetShapes } from '../../../local/simulator/audit-fleet-shapes.js';
import { mixedPolicyInput, SPOT_MIXED, shapeSpec } from '../../../local/simulator/fleet-shapes.js';
import type { RolloutReport } from '../../../local/simulator/report-rollouts.js';
import type { ScenarioFleet } from '../../../local/simulator/scenario.js';

const ACCOUNT = '200000000003';
const ROLE = `arn:aws:sts::${ACCOUNT}:assumed-role/goldsmith-dev-rollout/rollout`;
const TEAM = `arn:aws:sts::${ACCOUNT}:assumed-role/platform-team/deploy`;
const PREFS: RefreshPrefs = {
  minHealthy: 90,
  maxHealthy: 100,
  warmupSeconds: 0,
  checkpoints: undefined,
  checkpointDelaySeconds: 0,
  bakeSeconds: 0,
  autoRollback: true,
  alarms: [],
  protectedInstances: 'Ignore',
  standbyInstances: 'Ignore',
};
const channels = [
  { name: 'prod', rollout: { protectedInstances: 'Ignore', standbyInstances: 'Ignore' } },
] as unknown as Catalog['channels'];

/** One group of the given shape on v1 of its template (two instances), and the audit's input around it. */
function world(shape: 'spot-mixed' | 'ecs-capacity-provider' | undefined) {
  let now = 1_000;
  const templates = new LaunchTemplates(
    () => new FleetState(),
    () => now,
  );
  const tags = { [ROLLOUT_TAG]: 'base/prod' };
  const t = templates.create(
    ACCOUNT,
    'us-east-1',
    'base-prod-lt',
    { ImageId: 'ami-1', InstanceType: 'm5.large' },
    tags,
  );
  const groups = new AutoScalingGroups(templates);
  const g = groups.create({
    account: ACCOUNT,
    region: 'us-east-1',
    name: 'base-prod',
    launchTemplateId: t.id,
    version: '1',
    desiredCapacity: 2,
    tags,
    ...shapeSpec(shape),
  });
  g.instances = ['i-1', 'i-2'].map((instanceId) => ({
    instanceId,
    version: 1,
    imageId: 'ami-1',
    ...(shape === 'ecs-capacity-provider' && { protectedFromScaleIn: true }),
  }));
  const refreshes: InstanceRefresh[] = [];
  /** A refresh by `principal` to a new version (`data` over v`from`), ended Successful, its instances moved. */
  const refresh = (
    principal: string,
    data: Record<string, unknown>,
    opts: { from?: number; prefs?: Partial<RefreshPrefs>; mixed?: boolean } = {},
  ) => {
    now += 1_000;
    const v = templates.addVersion(t, data, { sourceVersion: String(opts.from ?? t.versions.length), principal });
    const prefs = { ...PREFS, ...opts.prefs };
    g.instances = g.instances.map((i) =>
      i.protectedFromScaleIn && prefs.protectedInstances === 'Ignore' ? i : { ...i, version: v.number },
    );
    const mixed = opts.mixed === false ? undefined : g.mixedInstancesPolicy;
    refreshes.push({
      id: `r-${refreshes.length}`,
      group: g,
      status: 'Successful',
      statusReason: undefined,
      startTime: now,
      endTime: now + 1,
      instancesAtEnd: g.instances.map((i) => ({ ...i })),
      prefs,
      request: {},
      desired: { launchTemplateId: t.id, version: v.number, mixed },
      principal,
      total: 2,
      pending: [],
      launched: [],
      replaced: 2,
      inFlight: 0,
      phase: 'done',
      nextAt: Number.POSITIVE_INFINITY,
      blockedSince: undefined,
      waitingSince: undefined,
      checkpointsDone: 0,
      rollback: undefined,
    });
    g.launchTemplate = { id: t.id, version: String(v.number) };
    g.mixedInstancesPolicy = mixed;
  };
  const fleets = [
    { image: 'base', channel: 'prod', shapes: shape ? { [ACCOUNT]: shape } : {} },
  ] as unknown as ScenarioFleet[];
  const audit = (rollouts: RolloutReport[] = []) =>
    auditFleetShapes({ groups: groups.all(), refreshes, templates, channels, fleets, rollouts });
  return { refresh, audit, g, refreshes };
}

describe('the realistic groups audit', () => {
  it('passes refreshes that keep the Spot split, the preference and the team’s version', () => {
    const w = world('spot-mixed');
    w.refresh(ROLE, { ImageId: 'ami-2' });
    w.refresh(TEAM, { InstanceType: 'm6i.xlarge' });
    w.refresh(ROLE, { ImageId: 'ami-3' });
    expect(w.g.mixedInstancesPolicy).toEqual(mixedPolicyOf(mixedPolicyInput(SPOT_MIXED)));
    expect(w.audit()).toEqual({
      problems: [],
      checks: { 'mixed-policy-kept': 2, 'protected-standby-preference': 2, 'team-version-kept': 2, 'waves-ended': 0 },
    });
  });

  it('names a refresh that drops a mixed group’s instance types and Spot split', () => {
    const w = world('spot-mixed');
    w.refresh(ROLE, { ImageId: 'ami-2' }, { mixed: false });
    expect(w.audit().problems).toEqual([
      expect.stringMatching(/the rollout's refresh r-0 .* desired undefined, not the group's \{"overrides"/),
      expect.stringMatching(/ends with the mixed instances policy undefined/),
    ]);
  });

  it('names a take-back that reverts the team’s own version', () => {
    const w = world(undefined);
    w.refresh(ROLE, { ImageId: 'ami-2' });
    w.refresh(TEAM, { InstanceType: 'm6i.xlarge' });
    // Back to the version before the rollout: the team's instance type gone.
    w.refresh(ROLE, {}, { from: 1 });
    expect(w.audit().problems).toEqual([
      expect.stringMatching(/moved it to version 4 .*"m5\.large".*, reverting its team's version 3 .*"m6i\.xlarge"/),
    ]);
  });

  it('names protected instances left behind against the channel’s preference, and a refresh that did not send it', () => {
    const w = world('ecs-capacity-provider');
    w.refresh(ROLE, { ImageId: 'ami-2' }, { prefs: { protectedInstances: 'Refresh' } });
    // The fake replaced every instance: make one protected instance stay on v1 to see the audit name it.
    w.g.instances = w.g.instances.map((i, n) => (n === 0 ? { ...i, version: 1 } : i));
    Object.assign(w.refreshes[0] ?? {}, { instancesAtEnd: w.g.instances });
    expect(w.audit().problems).toEqual([
      expect.stringMatching(/sent ScaleInProtectedInstances Refresh .* not the channel's Ignore/),
      expect.stringMatching(
        /ended Successful with \{"instances":1,[^}]*"protected":1,"standby":0,"other":0\} instance/,
      ),
    ]);
  });

  it('judges a refresh by the instances it left, not by the protection their team lifted afterwards', () => {
    const w = world('ecs-capacity-provider');
    w.refresh(ROLE, { ImageId: 'ami-2' });
    // The ECS recovery: the refresh left both protected instances on v1 (Ignore); then their team lifts protection.
    w.g.instances = w.g.instances.map(({ protectedFromScaleIn: _p, ...i }) => i);
    expect(w.audit().problems).toEqual([]);
  });

  it('names a halted rollout without a reason and a wave an ended rollout left baking', () => {
    const wave = (state: RolloutReport['waves'][number]['state']) => ({
      name: 'canary',
      state,
      groups: 1,
      refreshed: 1,
      back: 0,
    });
    const rollout = { image: 'base', channel: 'prod', version: '1.0.0/2', startedAt: 'x', retries: 0 };
    const { problems } = world(undefined).audit([
      { ...rollout, state: 'halted', waves: [wave('failed')] },
      { ...rollout, state: 'completed', waves: [wave('baking')] },
    ]);
    expect(problems).toEqual([
      'base 1.0.0/2 prod rollout (halted): halted without a reason or a failed or rolled-back wave',
      'base 1.0.0/2 prod rollout (completed): wave canary still baking',
      'base 1.0.0/2 prod rollout (completed): completed with a wave neither healthy nor skipped',
    ]);
  });
});
