import {
  ActiveInstanceRefreshNotFoundFault,
  InstanceRefreshInProgressFault,
  IrreversibleInstanceRefreshFault,
} from '@aws-sdk/client-auto-scaling';
import { describeRefresh } from './autoscaling-describe.js';
import { type AutoScalingGroup, type AutoScalingGroups, asErr } from './autoscaling-groups.js';
import type { RefreshEngine } from './autoscaling-refresh.js';
import { PENDING_MS } from './autoscaling-refresh-pace.js';
import type { InstanceRefresh, RefreshHooks } from './autoscaling-refresh-types.js';
import { desiredOf, irreversibleReason, preferencesOf } from './autoscaling-start.js';
import { asArray, type FakeCall, type IdMaker, paginate } from './common.js';
import { type MemberAccess, resourceTagContext } from './member-access.js';

/**
 * The instance refresh calls of the Auto Scaling fake: DescribeInstanceRefreshes, StartInstanceRefresh,
 * CancelInstanceRefresh, RollbackInstanceRefresh. The refresh itself moves on in virtual time
 * (autoscaling-refresh.ts).
 */

/** What these calls use of the Auto Scaling fake (autoscaling.ts's AutoScalingFake). */
interface AutoScalingFake {
  readonly groups: AutoScalingGroups;
  readonly engine: RefreshEngine;
  readonly refreshes: InstanceRefresh[];
  readonly hooks: RefreshHooks;
  readonly ids: IdMaker;
  readonly access: MemberAccess | undefined;
  active(g: AutoScalingGroup): InstanceRefresh | undefined;
  advance(): void;
  notifyDue(): void;
  authorize(call: FakeCall, g: AutoScalingGroup | undefined): Promise<void>;
  record(call: FakeCall, g: AutoScalingGroup, refreshId?: string): void;
}

const NO_ACTIVE =
  'The request failed because an active instance refresh or rollback for the specified Auto Scaling group was not found.';

/** DescribeInstanceRefreshes: a group's refreshes, newest first, paginated. */
export async function describeRefreshesCall(fake: AutoScalingFake, call: FakeCall): Promise<unknown> {
  const { input, accountId: account, region } = call;
  await fake.authorize(call, undefined);
  const g = fake.groups.named(account, region, input.AutoScalingGroupName);
  const ids = asArray<string>(input.InstanceRefreshIds);
  // Newest first; the history covers six weeks (https://docs.aws.amazon.com/autoscaling/ec2/userguide/check-status-instance-refresh.html).
  const since = fake.hooks.now() - 42 * 86_400_000;
  const list = fake.refreshes
    .filter((r) => r.group === g && (ids.length === 0 || ids.includes(r.id)) && (r.endTime ?? r.startTime) >= since)
    .reverse();
  const page = paginate(list, input.MaxRecords, input.NextToken, {
    max: 100,
    defaultSize: 50,
    invalidToken: () => asErr('InvalidNextToken', 'The token is not valid.'),
  });
  return { InstanceRefreshes: page.items.map(describeRefresh), NextToken: page.nextToken };
}

/** CancelInstanceRefresh (https://docs.amazonaws.cn/goto/WebAPI/autoscaling-2011-01-01/CancelInstanceRefresh). */
export async function cancelRefreshCall(fake: AutoScalingFake, call: FakeCall): Promise<unknown> {
  const g = fake.groups.named(call.accountId, call.region, call.input.AutoScalingGroupName);
  await fake.authorize(call, g);
  const r = fake.active(g);
  if (!r || r.status === 'Cancelling') throw asErr(ActiveInstanceRefreshNotFoundFault, NO_ACTIVE);
  fake.record(call, g, r.id);
  r.status = 'Cancelling';
  if (r.phase !== 'warm' && r.phase !== 'rollback-warm') r.nextAt = fake.hooks.now();
  fake.advance();
  return { InstanceRefreshId: r.id };
}

/** RollbackInstanceRefresh: an active refresh with a desired configuration goes back (autoscaling-start.ts says when not). */
export async function rollbackRefreshCall(fake: AutoScalingFake, call: FakeCall): Promise<unknown> {
  const g = fake.groups.named(call.accountId, call.region, call.input.AutoScalingGroupName);
  await fake.authorize(call, g);
  const r = fake.active(g);
  if (!r || r.status === 'RollbackInProgress' || r.status === 'Cancelling')
    throw asErr(ActiveInstanceRefreshNotFoundFault, NO_ACTIVE);
  const irreversible = irreversibleReason(fake.groups, g, r.desired !== undefined);
  if (irreversible) throw asErr(IrreversibleInstanceRefreshFault, irreversible);
  fake.record(call, g, r.id);
  fake.engine.startRollback(r, fake.hooks.now(), 'Manual rollback (RollbackInstanceRefresh).');
  fake.advance();
  return { InstanceRefreshId: r.id };
}

/** StartInstanceRefresh: one active refresh per group, Rolling only, its preferences and desired configuration checked. */
export async function startRefreshCall(fake: AutoScalingFake, call: FakeCall): Promise<unknown> {
  const { input } = call;
  const g = fake.groups.named(call.accountId, call.region, input.AutoScalingGroupName);
  await fake.authorize(call, g);
  if (input.Strategy !== undefined && input.Strategy !== 'Rolling')
    throw asErr('ValidationError', 'The only valid value for Strategy is Rolling.');
  if (fake.active(g))
    // https://docs.aws.amazon.com/botocore/latest/reference/services/autoscaling/client/exceptions/InstanceRefreshInProgressFault.html
    throw asErr(
      InstanceRefreshInProgressFault,
      'The request failed because an active instance refresh operation already exists for the specified Auto Scaling group.',
    );
  const prefs = preferencesOf(g, input.Preferences);
  const desired = desiredOf(fake.groups, g, input, prefs);
  if (desired) await authorizeLaunch(fake, call, desired.launchTemplateId);
  // Ignore leaves protected or Standby instances as they are: the refresh replaces the others and ends without them
  // (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html).
  const toRefresh = g.instances.filter(
    (i) =>
      !(i.protectedFromScaleIn && prefs.protectedInstances === 'Ignore') &&
      !(i.lifecycle === 'Standby' && prefs.standbyInstances === 'Ignore'),
  );
  const now = fake.hooks.now();
  const r: InstanceRefresh = {
    id: `${fake.ids.next('', 8).slice(1)}-0000-4000-8000-000000000000`,
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
  fake.refreshes.push(r);
  fake.record(call, g, r.id);
  fake.notifyDue();
  return { InstanceRefreshId: r.id };
}

/**
 * A refresh that launches from a new template version needs the caller's own ec2:RunInstances on it
 * (https://gist.github.com/arianvp/643f6862dfebda243cac9de8f0bd8492: "You are not authorized to use launch template").
 */
async function authorizeLaunch(fake: AutoScalingFake, call: FakeCall, launchTemplateId: string): Promise<void> {
  const session = fake.access?.sessionByArn(call.principal);
  if (!session || !fake.access) return;
  const t = fake.groups.templates.get(launchTemplateId);
  const arn = `arn:aws:ec2:${call.region}:${call.accountId}:launch-template/${launchTemplateId}`;
  const refusal = await fake.access.authorize(
    session,
    'ec2:RunInstances',
    arn,
    // The launch goes through the template: RunInstances carries its ARN as `ec2:LaunchTemplate`
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
    { ...(t ? resourceTagContext('ec2', t.tags) : {}), 'ec2:LaunchTemplate': arn },
  );
  if (refusal) throw asErr('AccessDenied', `You are not authorized to use launch template: ${launchTemplateId}`, 403);
}
