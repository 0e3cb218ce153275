import { hash } from 'node:crypto';
import type { OrganizationTree } from './organization-tree.js';
import { CANCELLED_REASON, type RegionRun, runRegion } from './stacksets-operation.js';
import {
  type CreateStackSetInput,
  type OperationPreferences,
  STACK_SETS_QUOTAS,
  type StackInstance,
  type StackSetOperation,
} from './stacksets-types.js';

/**
 * One StackSets operation of the fake (stacksets.ts): the instances brought in line with the stack set's targets.
 * `explicit` for an operation we started (not auto-deployment), paced by its `preferences` (stacksets-operation.ts);
 * an auto-deployment runs its instances at once, as the preferences do not apply to it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html). An
 * account moved between two targeted OUs loses its old instance first, then gets its new one: AWS runs a delete and
 * queues a create (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html,
 * stacksets-moves.ts). On the clock (`queueCreate`), the create starts once the deletion has ended and the queue's
 * settle time has passed; without a clock it runs as soon as the deletion ends.
 */

/** What an operation works on: the stack set, its instances by Region then account, the organization. */
export interface DeployWorld {
  set: CreateStackSetInput & { ous: string[]; regions: string[] };
  instances: Map<string, Map<string, StackInstance>>;
  organization: OrganizationTree;
  managementAccountId: string;
  /** A new stack for the account in the Region, with a stack id of its own. */
  stackFor(account: string, region: string, ou: string, at: number): StackInstance;
  runStack(type: 'Create' | 'Delete', instance: StackInstance, set: CreateStackSetInput, at: number): Promise<void>;
  /**
   * Lists a moved account's old instance, deleted from `from`, as being deleted, and queues its create in `ou` behind
   * that deletion, on the clock (stacksets-moves.ts); absent, the create runs as soon as the deletion ends.
   */
  queueCreate?(deleted: StackInstance, ou: string, from: number): void;
  /** Whether a create is queued for the account in the Region (it gets no second instance meanwhile). */
  queued?(account: string, region: string): boolean;
}

/** 32 hex digits from `from` as a version 4 UUID. */
function uuidOf(hex: string, from: number): string {
  const h = hex.slice(from, from + 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A stack id as StackSets names its stacks (`StackSet-<name>-<uuid>/<uuid>`), drawn from `seed`. Made for every stack
 * instance: no function is made per call (the simulator's TypeScript loader names each one it makes, which costs more
 * than the hash).
 */
export function stackIdOf(name: string, account: string, region: string, seed: number): string {
  // One call, not a Hash object per stack (https://nodejs.org/api/crypto.html#cryptohashalgorithm-data-options).
  const hex = hash('sha256', `${name}/${account}/${region}/${seed}`, 'hex');
  return `arn:aws:cloudformation:${region}:${account}:stack/StackSet-${name}-${uuidOf(hex, 0)}/${uuidOf(hex, 32)}`;
}

/** Each targeted member account's OU: the most specific of `ous` above it (never the management account). */
function targetOus(world: DeployWorld): Map<string, string> {
  const byOu = world.set.ous
    .map((ou) => [ou, world.organization.accountsUnder(ou)] as const)
    .sort((a, b) => b[1].length - a[1].length);
  const ouOf = new Map<string, string>();
  for (const [ou, accounts] of byOu) for (const account of accounts) ouOf.set(account, ou);
  ouOf.delete(world.managementAccountId);
  return ouOf;
}

function byRegion(world: DeployWorld, region: string): Map<string, StackInstance> {
  let byAccount = world.instances.get(region);
  if (!byAccount) {
    byAccount = new Map();
    world.instances.set(region, byAccount);
  }
  return byAccount;
}

/** Runs one operation at `now` and answers what it did. */
export async function runDeployment(
  world: DeployWorld,
  now: number,
  explicit: boolean,
  preferences: OperationPreferences,
): Promise<StackSetOperation> {
  const { set } = world;
  const auto = set.AutoDeployment?.Enabled === true;
  const operation: StackSetOperation = {
    kind: explicit ? 'create-instances' : 'auto-deployment',
    startedAt: now,
    finishedAt: now,
    created: 0,
    deleted: 0,
    outdated: 0,
  };
  const ouOf = targetOus(world);
  const finished = (instance: StackInstance) => {
    operation.finishedAt = Math.max(operation.finishedAt, instance.at);
    if (instance.status === 'OUTDATED') operation.outdated++;
  };
  const retain = set.AutoDeployment?.RetainStacksOnAccountRemoval === true;
  if (auto) {
    for (const byAccount of world.instances.values()) {
      for (const [account, instance] of byAccount) {
        const ou = ouOf.get(account);
        if (ou === instance.ou) continue;
        byAccount.delete(account);
        if (!retain) {
          await world.runStack('Delete', instance, set, now);
          finished(instance);
        }
        operation.deleted++;
        if (ou === undefined) continue;
        // Moved between two targeted OUs: the delete ran, the create is queued behind it.
        operation.created++;
        if (world.queueCreate && !retain) {
          world.queueCreate(instance, ou, now);
          continue;
        }
        const fresh = world.stackFor(account, instance.region, ou, instance.at);
        fresh.createdFrom = instance.at;
        await world.runStack('Create', fresh, set, instance.at);
        finished(fresh);
        byAccount.set(account, fresh);
      }
    }
  }
  // The accounts each Region lacks, in account order, within the stack set's quota.
  const pending = new Map<string, string[]>();
  let count = [...world.instances.values()].reduce((n, m) => n + m.size, 0);
  for (const account of [...ouOf.keys()].sort()) {
    for (const region of set.regions) {
      if (world.instances.get(region)?.has(account) || world.queued?.(account, region)) continue;
      if (count >= STACK_SETS_QUOTAS.instancesPerStackSet) break;
      const accounts = pending.get(region);
      if (accounts) accounts.push(account);
      else pending.set(region, [account]);
      count++;
    }
  }
  const create = async (account: string, region: string, at: number) => {
    const instance = world.stackFor(account, region, ouOf.get(account) ?? '', at);
    byRegion(world, region).set(account, instance);
    operation.created++;
    await world.runStack('Create', instance, set, at);
    finished(instance);
    return { end: instance.at, failed: instance.status === 'OUTDATED' };
  };
  if (!explicit) {
    for (const [region, accounts] of pending) for (const account of accounts) await create(account, region, now);
    return operation;
  }
  const order = [...new Set([...(preferences.RegionOrder ?? []), ...set.regions])].filter((r) => pending.has(r));
  const parallel = preferences.RegionConcurrencyType === 'PARALLEL';
  let at = now;
  let stopped = false;
  for (const region of order) {
    const accounts = pending.get(region) ?? [];
    const run: RegionRun =
      stopped && !parallel
        ? { end: at, stopped: true, cancelled: accounts }
        : await runRegion(accounts, preferences, parallel ? now : at, (account, start) =>
            create(account, region, start),
          );
    for (const account of run.cancelled) {
      const instance = world.stackFor(account, region, ouOf.get(account) ?? '', run.end);
      instance.status = 'OUTDATED';
      instance.statusReason = CANCELLED_REASON;
      byRegion(world, region).set(account, instance);
      operation.created++;
      finished(instance);
    }
    at = run.end;
    stopped ||= run.stopped;
  }
  if (stopped) operation.stopped = true;
  return operation;
}

/**
 * The stack set's template deployed by hand as a plain stack in `account` (one the stack set cannot target: an account
 * named outside its OUs), in each of its Regions, as that account's team does it (docs/consumers.md): the team passes
 * the parameters the template requires; the others take their defaults.
 */
export async function deployTemplateByHand(
  set: CreateStackSetInput & { regions: string[] },
  account: string,
  now: number,
  world: {
    stackFor(account: string, region: string, at: number): StackInstance;
    runStack(stack: StackInstance, set: CreateStackSetInput, at: number): Promise<void>;
  },
): Promise<StackInstance[]> {
  const declared = (JSON.parse(set.TemplateBody) as { Parameters?: Record<string, { Default?: string }> }).Parameters;
  const own = { ...set, Parameters: set.Parameters?.filter((p) => declared?.[p.ParameterKey]?.Default === undefined) };
  const made: StackInstance[] = [];
  for (const region of set.regions) {
    const stack = world.stackFor(account, region, now);
    await world.runStack(stack, own, now);
    made.push(stack);
  }
  return made;
}
