import {
  ActiveInstanceRefreshNotFoundFault,
  InstanceRefreshInProgressFault,
  IrreversibleInstanceRefreshFault,
} from '@aws-sdk/client-auto-scaling';
import { describeRefresh } from './autoscaling-describe.js';
import { createGroupCall, instanceStateCall, updateGroupCall } from './autoscaling-group-calls.js';
import { type AutoScalingGroup, AutoScalingGroups, asErr, type GroupSpec } from './autoscaling-groups.js';
import { PENDING_MS, RefreshEngine } from './autoscaling-refresh.js';
import { ACTIVE, type InstanceRefresh, type RefreshHooks, type RefreshMove } from './autoscaling-refresh-types.js';
import { desiredOf, irreversibleReason, preferencesOf } from './autoscaling-start.js';
import { asArray, type FakeCall, type FakeService, IdMaker, NotImplementedByFakeError, paginate } from './common.js';
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
  private readonly ids = new IdMaker();

  /** Told of every move a refresh makes (the simulator's fleet events). */
  onMove: ((move: RefreshMove) => void) | undefined;
  /** Told when the next refresh step is due after a call or a step (the simulator schedules `advance` then). */
  onDue: ((at: number) => void) | undefined;
  /** A scenario's refresh failures: why replacements in an account and Region fail now. */
  replacementFailure: ((account: string, region: string) => string | undefined) | undefined;

  constructor(
    templates: LaunchTemplates,
    private readonly hooks: RefreshHooks,
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
    const { version } = this.groups.configOf(g);
    const ref = typeof version?.data.ImageId === 'string' ? version.data.ImageId : undefined;
    const imageId = ref && this.hooks.imageOf(g.account, g.region, ref);
    if (imageId && version && this.hooks.launchCheck(g.account, g.region, imageId) === undefined) {
      const standbyFrom = g.desiredCapacity - (spec.standbyInstances ?? 0);
      for (let i = 0; i < g.desiredCapacity; i++) {
        const launched = this.hooks.fleet().launch(g.account, g.region, imageId, this.hooks.now(), g.launchTemplate.id);
        g.instances.push({
          instanceId: launched.instanceId,
          version: version.number,
          imageId,
          ...((g.newInstancesProtectedFromScaleIn || i < (spec.protectedInstances ?? 0)) && {
            protectedFromScaleIn: true,
          }),
          ...(i >= standbyFrom && { lifecycle: 'Standby' as const }),
        });
      }
    }
    return g;
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
    this.engine.checkAlarms(this.refreshes, now);
    this.notifyDue();
  }

  private notifyDue(): void {
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
      case 'DescribeInstanceRefreshes': {
        await this.authorize(call, undefined);
        const g = this.groups.named(account, region, input.AutoScalingGroupName);
        const ids = asArray<string>(input.InstanceRefreshIds);
        // Newest first; the history covers six weeks (https://docs.aws.amazon.com/autoscaling/ec2/userguide/check-status-instance-refresh.html).
        const since = this.hooks.now() - 42 * 86_400_000;
        const list = this.refreshes
          .filter(
            (r) => r.group === g && (ids.length === 0 || ids.includes(r.id)) && (r.endTime ?? r.startTime) >= since,
          )
          .reverse();
        const page = paginate(list, input.MaxRecords, input.NextToken, {
          max: 100,
          defaultSize: 50,
          invalidToken: () => asErr('InvalidNextToken', 'The token is not valid.'),
        });
        return { InstanceRefreshes: page.items.map(describeRefresh), NextToken: page.nextToken };
      }
      case 'StartInstanceRefresh':
        return this.start(call);
      case 'CancelInstanceRefresh': {
        const g = this.groups.named(account, region, input.AutoScalingGroupName);
        await this.authorize(call, g);
        const r = this.active(g);
        // https://docs.amazonaws.cn/goto/WebAPI/autoscaling-2011-01-01/CancelInstanceRefresh
        if (!r || r.status === 'Cancelling')
          throw asErr(
            ActiveInstanceRefreshNotFoundFault,
            'The request failed because an active instance refresh or rollback for the specified Auto Scaling group was not found.',
          );
        this.record(call, g, r.id);
        r.status = 'Cancelling';
        if (r.phase !== 'warm' && r.phase !== 'rollback-warm') r.nextAt = this.hooks.now();
        this.advance();
        return { InstanceRefreshId: r.id };
      }
      case 'RollbackInstanceRefresh': {
        const g = this.groups.named(account, region, input.AutoScalingGroupName);
        await this.authorize(call, g);
        const r = this.active(g);
        if (!r || r.status === 'RollbackInProgress' || r.status === 'Cancelling')
          throw asErr(
            ActiveInstanceRefreshNotFoundFault,
            'The request failed because an active instance refresh or rollback for the specified Auto Scaling group was not found.',
          );
        const irreversible = irreversibleReason(this.groups, g, r.desired !== undefined);
        if (irreversible) throw asErr(IrreversibleInstanceRefreshFault, irreversible);
        this.record(call, g, r.id);
        this.engine.startRollback(r, this.hooks.now(), 'Manual rollback (RollbackInstanceRefresh).');
        this.advance();
        return { InstanceRefreshId: r.id };
      }
      case 'SetInstanceProtection':
      case 'EnterStandby':
      case 'ExitStandby': {
        const g = this.groups.named(account, region, input.AutoScalingGroupName);
        await this.authorize(call, g);
        const out = instanceStateCall(g, call);
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

  private async start(call: FakeCall): Promise<unknown> {
    const { input } = call;
    const g = this.groups.named(call.accountId, call.region, input.AutoScalingGroupName);
    await this.authorize(call, g);
    if (input.Strategy !== undefined && input.Strategy !== 'Rolling')
      throw asErr('ValidationError', 'The only valid value for Strategy is Rolling.');
    if (this.active(g))
      // https://docs.aws.amazon.com/botocore/latest/reference/services/autoscaling/client/exceptions/InstanceRefreshInProgressFault.html
      throw asErr(
        InstanceRefreshInProgressFault,
        'The request failed because an active instance refresh operation already exists for the specified Auto Scaling group.',
      );
    const prefs = preferencesOf(g, input.Preferences);
    const desired = desiredOf(this.groups, g, input, prefs);
    if (desired) await this.authorizeLaunch(call, desired.launchTemplateId);
    // Ignore leaves protected or Standby instances as they are: the refresh replaces the others and ends without them
    // (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html).
    const toRefresh = g.instances.filter(
      (i) =>
        !(i.protectedFromScaleIn && prefs.protectedInstances === 'Ignore') &&
        !(i.lifecycle === 'Standby' && prefs.standbyInstances === 'Ignore'),
    );
    const now = this.hooks.now();
    const r: InstanceRefresh = {
      id: this.ids.next('', 8).slice(1) + '-0000-4000-8000-000000000000',
      group: g,
      status: 'Pending',
      statusReason: undefined,
      startTime: now,
      endTime: undefined,
      prefs,
      request: { Preferences: input.Preferences, DesiredConfiguration: input.DesiredConfiguration },
      desired,
      principal: call.principal,
      total: toRefresh.length,
      pending: toRefresh.map((i) => i.instanceId),
      launched: [],
      replaced: 0,
      inFlight: 0,
      phase: 'pending',
      nextAt: now + PENDING_MS,
      blockedSince: undefined,
      waitingSince: undefined,
      checkpointsDone: 0,
      rollback: undefined,
    };
    this.refreshes.push(r);
    this.record(call, g, r.id);
    this.notifyDue();
    return { InstanceRefreshId: r.id };
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

  /**
   * A refresh that launches from a new template version needs the caller's own ec2:RunInstances on it
   * (https://gist.github.com/arianvp/643f6862dfebda243cac9de8f0bd8492: "You are not authorized to use launch template").
   */
  private async authorizeLaunch(call: FakeCall, launchTemplateId: string): Promise<void> {
    const session = this.access?.sessionByArn(call.principal);
    if (!session || !this.access) return;
    const t = this.groups.templates.get(launchTemplateId);
    const arn = `arn:aws:ec2:${call.region}:${call.accountId}:launch-template/${launchTemplateId}`;
    const refusal = await this.access.authorize(
      session,
      'ec2:RunInstances',
      arn,
      // The launch goes through the template: RunInstances carries its ARN as `ec2:LaunchTemplate`
      // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
      { ...(t ? resourceTagContext('ec2', t.tags) : {}), 'ec2:LaunchTemplate': arn },
    );
    if (refusal) throw asErr('AccessDenied', `You are not authorized to use launch template: ${launchTemplateId}`, 403);
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
    });
  }
}
