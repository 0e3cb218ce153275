import { createGroupCall, instanceStateCall, updateGroupCall } from './autoscaling-group-calls.js';
import { type AutoScalingGroup, AutoScalingGroups, asErr, type GroupSpec } from './autoscaling-groups.js';
import type { MixedPolicy } from './autoscaling-mixed.js';
import { RefreshEngine } from './autoscaling-refresh.js';
import {
  cancelRefreshCall,
  describeRefreshesCall,
  rollbackRefreshCall,
  startRefreshCall,
} from './autoscaling-refresh-calls.js';
import { ACTIVE, type InstanceRefresh, type RefreshHooks, type RefreshMove } from './autoscaling-refresh-types.js';
import { type FakeCall, type FakeService, IdMaker, NotImplementedByFakeError } from './common.js';
import type { LaunchTemplates } from './launch-templates.js';
import { type MemberAccess, resourceTagContext } from './member-access.js';

/** One call that changed a group (the rollout audit reads them: who, when, on what, with which tags). */
export interface GroupCall {
  readonly at: number;
  readonly action:
    | 'StartInstanceRefresh'
    | 'CancelInstanceRefresh'
    | 'RollbackInstanceRefresh'
    | 'UpdateAutoScalingGroup';
  readonly account: string;
  readonly region: string;
  readonly group: string;
  readonly principal: string | undefined;
  /** The group's and its launch template's tags at the time. */
  readonly groupTags: Readonly<Record<string, string>>;
  readonly templateTags: Readonly<Record<string, string>>;
  readonly refreshId?: string;
  /** The group's mixed instances policy after an UpdateAutoScalingGroup that gave one. */
  readonly mixed?: MixedPolicy;
}

/**
 * EC2 Auto Scaling in member accounts: groups (autoscaling-groups.ts), instance refreshes in virtual time
 * (autoscaling-refresh.ts) and the calls a role session may make on them (its role's policies, with the group's tags
 * as `autoscaling:ResourceTag/<key>`). Refreshes move on at every call and whenever `advance` runs (the simulator
 * schedules it at `nextDue`).
 */
export class AutoScalingFake implements FakeService {
  readonly groups: AutoScalingGroups;
  readonly engine: RefreshEngine;
  readonly refreshes: InstanceRefresh[] = [];
  readonly calls: GroupCall[] = [];
  access: MemberAccess | undefined;
  readonly ids = new IdMaker();

  /** Told of every move a refresh makes (the simulator's fleet events). */
  onMove: ((move: RefreshMove) => void) | undefined;
  /** Told when the next refresh step is due after a call or a step (the simulator schedules `advance` then). */
  onDue: ((at: number) => void) | undefined;
  /** A scenario's refresh failures: why replacements in an account and Region fail now. */
  replacementFailure: ((account: string, region: string) => string | undefined) | undefined;

  constructor(
    templates: LaunchTemplates,
    readonly hooks: RefreshHooks,
  ) {
    this.groups = new AutoScalingGroups(templates);
    this.engine = new RefreshEngine(this.groups, {
      ...hooks,
      onMove: (m) => {
        hooks.onMove?.(m);
        this.onMove?.(m);
      },
      replacementFailure: (account, region) => this.replacementFailure?.(account, region),
    });
    hooks.alarms.onChange(() => this.advance());
  }

  /** A group with its instances launched (the member team's own doing, not an API call of Goldsmith's). */
  createGroup(spec: GroupSpec): AutoScalingGroup {
    const g = this.groups.create(spec);
    this.launchInto(g, g.desiredCapacity, spec);
    // Its Standby instances entered Standby with ShouldDecrementDesiredCapacity (none replaced them).
    g.desiredCapacity -= Math.min(g.desiredCapacity, spec.standbyInstances ?? 0);
    return g;
  }

  /**
   * Launches `count` instances into `g` from the version its launch template names now, when EC2 allows it (the AMI
   * resolves and may be launched by the account); protected from scale in as the group says, or the first
   * `protectedInstances` of a new group, and its last `standbyInstances` in Standby.
   */
  launchInto(
    g: AutoScalingGroup,
    count: number,
    spec?: Pick<GroupSpec, 'protectedInstances' | 'standbyInstances'>,
  ): void {
    const { version } = this.groups.configOf(g);
    const ref = typeof version?.data.ImageId === 'string' ? version.data.ImageId : undefined;
    const imageId = ref && this.hooks.imageOf(g.account, g.region, ref);
    if (!imageId || !version || this.hooks.launchCheck(g.account, g.region, imageId) !== undefined) return;
    const standbyFrom = count - (spec?.standbyInstances ?? 0);
    for (let i = 0; i < count; i++) {
      const launched = this.hooks.fleet().launch(g.account, g.region, imageId, this.hooks.now(), g.launchTemplate.id);
      g.instances.push({
        instanceId: launched.instanceId,
        version: version.number,
        imageId,
        ...((g.newInstancesProtectedFromScaleIn || i < (spec?.protectedInstances ?? 0)) && {
          protectedFromScaleIn: true,
        }),
        ...(i >= standbyFrom && { lifecycle: 'Standby' as const }),
      });
    }
  }

  /** Runs every refresh step due by now, in time order, then checks the alarms. */
  advance(): void {
    const now = this.hooks.now();
    for (;;) {
      let next: InstanceRefresh | undefined;
      for (const r of this.refreshes)
        if (ACTIVE.has(r.status) && r.nextAt <= now && (!next || r.nextAt < next.nextAt)) next = r;
      if (!next) break;
      this.engine.step(next, next.nextAt);
    }
    // Fails every running refresh whose alarms are in ALARM now (evaluated during the refresh and its bake).
    for (const r of this.refreshes) {
      if ((r.status !== 'InProgress' && r.status !== 'Baking') || r.prefs.alarms.length === 0) continue;
      const firing = this.hooks.alarms.firing(r.group.account, r.group.region, r.prefs.alarms);
      if (firing) this.engine.fail(r, now, `CloudWatch alarm ${firing} is in ALARM state.`);
    }
    this.notifyDue();
  }

  notifyDue(): void {
    const due = this.nextDue();
    if (Number.isFinite(due)) this.onDue?.(due);
  }

  /** When the next refresh step is due (Infinity: none). */
  nextDue(): number {
    let due = Number.POSITIVE_INFINITY;
    for (const r of this.refreshes) if (ACTIVE.has(r.status)) due = Math.min(due, r.nextAt);
    return due;
  }

  active(g: AutoScalingGroup): InstanceRefresh | undefined {
    return this.refreshes.find((r) => r.group === g && ACTIVE.has(r.status));
  }

  async handle(call: FakeCall): Promise<unknown> {
    this.advance();
    const { input, accountId: account, region } = call;
    switch (call.action) {
      case 'DescribeAutoScalingGroups':
        await this.authorize(call, undefined);
        return this.groups.describe(account, region, input);
      case 'DescribeInstanceRefreshes':
        return describeRefreshesCall(this, call);
      case 'StartInstanceRefresh':
        return startRefreshCall(this, call);
      case 'CancelInstanceRefresh':
        return cancelRefreshCall(this, call);
      case 'RollbackInstanceRefresh':
        return rollbackRefreshCall(this, call);
      case 'SetInstanceProtection':
      case 'EnterStandby':
      case 'ExitStandby': {
        const g = this.groups.named(account, region, input.AutoScalingGroupName);
        await this.authorize(call, g);
        const out = instanceStateCall(this, g, call);
        this.advance();
        return out;
      }
      case 'CreateAutoScalingGroup':
        return createGroupCall(this, call);
      case 'UpdateAutoScalingGroup':
        return updateGroupCall(this, call);
      default:
        throw new NotImplementedByFakeError('autoscaling', call.action);
    }
  }

  /** A role session's call: its role must allow the action on the group (with the group's tags in the context). */
  async authorize(call: FakeCall, g: AutoScalingGroup | undefined): Promise<void> {
    const session = this.access?.sessionByArn(call.principal);
    if (!session || !this.access) return;
    const refusal = await this.access.authorize(
      session,
      `autoscaling:${call.action}`,
      g?.arn ?? '*',
      g ? resourceTagContext('autoscaling', g.tags) : {},
    );
    if (refusal) throw asErr(refusal.code, refusal.message, 403);
  }

  /** Notes a call that changed a group, for the audit. */
  record(call: FakeCall, g: AutoScalingGroup, refreshId?: string): void {
    const template = this.groups.templates.get(g.launchTemplate.id);
    this.calls.push({
      at: this.hooks.now(),
      action: call.action as GroupCall['action'],
      account: g.account,
      region: g.region,
      group: g.name,
      principal: call.principal,
      groupTags: Object.fromEntries(g.tags),
      templateTags: Object.fromEntries(template?.tags ?? []),
      ...(refreshId ? { refreshId } : {}),
      ...(call.action === 'UpdateAutoScalingGroup' && call.input.MixedInstancesPolicy && g.mixedInstancesPolicy
        ? { mixed: g.mixedInstancesPolicy }
        : {}),
    });
  }
}
