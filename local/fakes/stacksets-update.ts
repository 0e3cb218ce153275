import { canonicalJson } from '../../core/canonical-json.js';
import type { MemberCloud } from './stacksets-inline-function.js';
import { CANCELLED_REASON, type RegionRun, runRegion, type StackRun } from './stacksets-operation.js';
import {
  customProperties,
  instanceTemplate,
  roleTakenReason,
  type StackRoles,
  sendCustomResource,
} from './stacksets-stack.js';
import type { CreateStackSetInput, OperationPreferences, StackInstance, StackSetOperation } from './stacksets-types.js';

/**
 * UpdateStackSet in the StackSets fake (stacksets.ts): the stack set takes the new template and parameters, and one
 * operation updates every stack instance, paced per Region by the operation's preferences as CreateStackInstances is
 * (stacksets-operation.ts). "To update all the stack instances associated with this stack set, don't specify the
 * Accounts or Regions properties"; "Even if the stack set operation created by updating the stack set fails …, the
 * stack set is updated with your changes" (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStackSet.html).
 *
 * Each instance's stack is updated as CloudFormation updates a stack
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html):
 * a named role whose `RoleName` changed is replaced ("Update requires: Replacement",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html), the new role
 * made first, the old one deleted after ("CloudFormation usually creates the replacement resource first, changes
 * references from other dependent resources to point to the replacement resource, and then deletes the old
 * resource"); a role kept takes its new policies; a custom resource whose properties changed gets an Update request
 * with its old properties, and one that answers a new physical id has its old one sent a Delete in the same cleanup
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html). The cleanup runs
 * when the instance's update ends, on the clock (`cleanUpLater`): until then the old role and the old grant stay.
 * A failed update leaves the instance OUTDATED and deletes the roles it had made (the stack rolled back); its custom
 * resources are not sent the rollback's requests.
 */

/** What an updated instance's stack deletes once its update has ended: the replaced roles, the replaced custom
 * resources (sent a Delete with their old properties). Kept with the fake's state until it ran. */
export interface PendingCleanup {
  stackId: string;
  at: number;
  roles: string[];
  customs: { logicalId: string; physicalId: string; props: Record<string, unknown> }[];
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/**
 * Updates one instance's stack from `before` to `after` at `now`: sets its status and finishing time and answers
 * what its cleanup will delete (undefined: nothing).
 */
export async function updateInstanceStack(
  instance: StackInstance,
  before: CreateStackSetInput,
  after: CreateStackSetInput,
  cloud: { member: MemberCloud; roles: StackRoles | undefined },
  now: number,
): Promise<PendingCleanup | undefined> {
  const old = instanceTemplate(instance, before);
  const next = instanceTemplate(instance, after);
  const cleanup: PendingCleanup = { stackId: instance.stackId, at: now, roles: [], customs: [] };
  const made: string[] = [];
  const fail = (reason: string, at: number) => {
    for (const arn of made) cloud.roles?.removeRole(arn);
    instance.status = 'OUTDATED';
    instance.statusReason = reason;
    instance.at = at;
    return undefined;
  };
  for (const role of next.roles) {
    // A save whose instances did not record their roles: the old template says which it made.
    const current = instance.physicalIds[role.id] ?? old.roles.find((r) => r.id === role.id)?.arn;
    if (current !== role.arn && cloud.roles?.hasRole(role.arn)) return fail(roleTakenReason(role), now);
    cloud.roles?.defineRole(role);
    instance.physicalIds[role.id] = role.arn;
    if (current === role.arn) continue;
    made.push(role.arn);
    if (current !== undefined) cleanup.roles.push(current);
  }
  for (const role of old.roles) {
    if (next.roles.some((r) => r.id === role.id)) continue;
    cleanup.roles.push(instance.physicalIds[role.id] ?? role.arn);
    delete instance.physicalIds[role.id];
  }
  let at = now;
  for (const logicalId of next.customs) {
    const props = customProperties(next, logicalId);
    const had = old.customs.includes(logicalId);
    const oldProps = had ? customProperties(old, logicalId) : undefined;
    if (had && same(oldProps, props)) continue;
    const physicalId = instance.physicalIds[logicalId];
    const type = had ? 'Update' : 'Create';
    const sent = await sendCustomResource(
      next,
      { type, logicalId, props, ...(oldProps ? { oldProps } : {}), physicalId },
      instance,
      cloud.member,
      at,
    );
    at += sent.elapsedMs;
    if (sent.answer.Status !== 'SUCCESS') return fail(`${logicalId}: ${sent.answer.Reason}`, at);
    if (physicalId && oldProps && sent.answer.PhysicalResourceId !== physicalId)
      cleanup.customs.push({ logicalId, physicalId, props: oldProps });
    instance.physicalIds[logicalId] = sent.answer.PhysicalResourceId;
  }
  for (const logicalId of old.customs) {
    const physicalId = instance.physicalIds[logicalId];
    if (next.customs.includes(logicalId) || !physicalId) continue;
    cleanup.customs.push({ logicalId, physicalId, props: customProperties(old, logicalId) });
    delete instance.physicalIds[logicalId];
  }
  instance.status = 'CURRENT';
  instance.statusReason = '';
  instance.at = at;
  cleanup.at = at;
  return cleanup.roles.length + cleanup.customs.length > 0 ? cleanup : undefined;
}

/**
 * Runs an update's cleanup: the replaced custom resources sent a Delete (through the template the stack now has: the
 * function is the same resource), then the replaced roles deleted. A failed Delete in the cleanup leaves the resource
 * behind and does not fail the update (CloudFormation reports UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, then
 * UPDATE_COMPLETE).
 */
export async function runCleanup(
  cleanup: PendingCleanup,
  instance: StackInstance,
  set: CreateStackSetInput,
  cloud: { member: MemberCloud; roles: StackRoles | undefined },
): Promise<void> {
  const t = instanceTemplate(instance, set);
  for (const { logicalId, physicalId, props } of [...cleanup.customs].reverse()) {
    await sendCustomResource(t, { type: 'Delete', logicalId, props, physicalId }, instance, cloud.member, cleanup.at);
  }
  for (const arn of cleanup.roles) cloud.roles?.removeRole(arn);
}

/** What an update operation works on: the stack set's Regions and instances, and how one instance is updated. */
export interface UpdateWorld {
  regions: readonly string[];
  instances: Map<string, Map<string, StackInstance>>;
  /** Updates the instance's stack from `at`: when it ended and whether it failed (its cleanup armed). */
  update(instance: StackInstance, at: number): Promise<StackRun>;
}

/**
 * Runs the update operation at `now` over every instance, Region by Region in `RegionOrder` (all at once with
 * PARALLEL), accounts in order, paced by `preferences`; the instances never reached are CANCELLED (OUTDATED).
 */
export async function runUpdate(
  world: UpdateWorld,
  now: number,
  preferences: OperationPreferences,
): Promise<StackSetOperation> {
  const operation: StackSetOperation = {
    kind: 'update-stack-set',
    startedAt: now,
    finishedAt: now,
    created: 0,
    deleted: 0,
    outdated: 0,
    updated: 0,
  };
  const order = [...new Set([...(preferences.RegionOrder ?? []), ...world.regions])];
  const parallel = preferences.RegionConcurrencyType === 'PARALLEL';
  let at = now;
  let stopped = false;
  for (const region of order) {
    const byAccount = world.instances.get(region) ?? new Map<string, StackInstance>();
    const accounts = [...byAccount.keys()].sort();
    const run: RegionRun =
      stopped && !parallel
        ? { end: at, stopped: true, cancelled: accounts }
        : await runRegion(accounts, preferences, parallel ? now : at, async (account, start) => {
            const r = await world.update(byAccount.get(account) as StackInstance, start);
            if (!r.failed) operation.updated = (operation.updated ?? 0) + 1;
            return r;
          });
    for (const account of run.cancelled) {
      const instance = byAccount.get(account) as StackInstance;
      instance.status = 'OUTDATED';
      instance.statusReason = CANCELLED_REASON;
    }
    for (const instance of byAccount.values()) if (instance.status === 'OUTDATED') operation.outdated++;
    operation.finishedAt = Math.max(operation.finishedAt, run.end);
    at = run.end;
    stopped ||= run.stopped;
  }
  if (stopped) operation.stopped = true;
  return operation;
}

/**
 * Instances a save of an earlier release holds without a stack id or an OU (its fake kept neither; the stacks had
 * both in AWS): each given its targeted OU and a stack id of its own (`stackIdFor`) before the update names roles
 * after it.
 */
export function adoptSavedInstances(
  instances: readonly StackInstance[],
  set: { ous: readonly string[] },
  organization: { accountsUnder(ou: string): readonly string[] },
  stackIdFor: (account: string, region: string) => string,
): void {
  const ouOf = new Map(set.ous.flatMap((ou) => organization.accountsUnder(ou).map((a) => [a, ou] as const)));
  for (const instance of instances) {
    instance.ou ??= ouOf.get(instance.account) ?? '';
    instance.stackId ||= stackIdFor(instance.account, instance.region);
  }
}

/**
 * UpdateStackSet's effect at `now`: the stack set `set` takes `input`'s template, parameters and settings (its targets
 * stay), then one operation updates every instance (runUpdate), each instance's cleanup handed to `cloud.cleanUpLater`.
 */
export async function updateEveryInstance(
  set: CreateStackSetInput & { ous: string[]; regions: string[] },
  input: CreateStackSetInput,
  instances: Map<string, Map<string, StackInstance>>,
  cloud: { member: MemberCloud; roles: StackRoles | undefined; cleanUpLater(cleanup: PendingCleanup): void },
  now: number,
  preferences: OperationPreferences,
): Promise<StackSetOperation> {
  const before: CreateStackSetInput = { ...set };
  const { StackSetName: _name, ...changes } = input;
  Object.assign(set, changes, { ous: set.ous, regions: set.regions });
  const world: UpdateWorld = {
    regions: set.regions,
    instances,
    update: async (instance, at) => {
      const cleanup = await updateInstanceStack(instance, before, set, cloud, at);
      if (cleanup) cloud.cleanUpLater(cleanup);
      return { end: instance.at, failed: instance.status === 'OUTDATED' };
    },
  };
  return runUpdate(world, now, preferences);
}

/** The cleanups of updated instances still to run, kept with the fake's state, and how each goes on the clock. */
export class UpdateCleanups {
  readonly pending: PendingCleanup[] = [];
  /** Puts the cleanup of the stack `stackId` on the clock at `at`; absent, a cleanup runs at once. */
  arm: ((stackId: string, at: number) => void) | undefined;

  /** Keeps `cleanup` and arms it: false when there is no clock (the caller runs it at once). */
  add(cleanup: PendingCleanup): boolean {
    this.pending.push(cleanup);
    this.arm?.(cleanup.stackId, cleanup.at);
    return this.arm !== undefined;
  }

  /** The cleanup kept for the stack `stackId`, taken out; undefined once taken. */
  take(stackId: string): PendingCleanup | undefined {
    const at = this.pending.findIndex((c) => c.stackId === stackId);
    return at < 0 ? undefined : this.pending.splice(at, 1)[0];
  }
}
