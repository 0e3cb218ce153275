import { CANCELLED_REASON } from './stacksets-operation.js';
import { newInstance, type StackInstance } from './stacksets-types.js';

/**
 * What StackSets does when an account moves between two OUs one stack set targets: a stack set has one stack instance
 * per account and Region (DescribeStackInstance takes the account and the Region:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackInstance.html), and
 * auto-deployment "automatically runs a delete operation to remove the StackSet1 stack from AccountA and queues a
 * create operation that adds the StackSet2 stack to AccountA"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html). So the
 * fake deletes the old instance first (its named roles and its grant gone from the deletion's start), lists it as
 * being deleted (Status CURRENT, DetailedStatus RUNNING: "The operation in the specified account and Region is
 * currently in progress"), then the queued create (OUTDATED, PENDING, no stack yet) until it starts, then the new
 * instance as being created (OUTDATED, RUNNING) until its stack ends: never two for one account and Region
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceSummary.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceComprehensiveStatus.html).
 * Meanwhile the account has no rollout role and no grant on the AMI key.
 */

/**
 * How long a moved account's queued create waits after its old instance's deletion ended: AWS gives no figure; the
 * fake takes 5 minutes, and a scenario can set another (`organization.stackSetMoveSettleMinutes`).
 */
export const MOVE_SETTLE_MS = 5 * 60_000;

/**
 * A moved account's create, queued behind its old instance's deletion: listed from `listedFrom` (the deletion's end)
 * as OUTDATED and PENDING ("The operation in the specified account and Region has yet to start"), started at `at`.
 */
export interface QueuedCreate {
  account: string;
  region: string;
  ou: string;
  listedFrom: number;
  at: number;
}

/**
 * How long the deletion of a moved account's old stack lists as RUNNING beyond its custom resources' own time: the
 * deletion of its function, roles and log group, which AWS gives no figure for; the fake takes a minute. Its named
 * roles are gone from the deletion's start, the worst case for a caller holding their credentials.
 */
export const STACK_DELETION_MS = 60_000;

/** A moved account's old instance being deleted: `ran` once its stack's Delete ran (an older release's saved cloud may hold one not run yet). */
export interface Leaving {
  instance: StackInstance;
  ran: boolean;
}

/** An operation's status in one account and Region (StackInstanceComprehensiveStatus.DetailedStatus). */
export type DetailedStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'RUNNING' | 'PENDING';

export interface ListedInstance {
  instance: StackInstance;
  status: 'CURRENT' | 'OUTDATED';
  detailed: DetailedStatus;
}

function endedStatus(i: StackInstance): DetailedStatus {
  if (i.status === 'CURRENT') return 'SUCCEEDED';
  return i.statusReason === CANCELLED_REASON ? 'CANCELLED' : 'FAILED';
}

/**
 * The instances listed at `now`: each account's own, then the old instances whose deletion has not ended (those that
 * have are dropped from `leaving`), then the creates queued behind a deletion that has ended (no stack yet).
 */
export function listedAt(
  own: readonly StackInstance[],
  leaving: Leaving[],
  now: number,
  queued: readonly QueuedCreate[] = [],
): ListedInstance[] {
  for (let i = leaving.length - 1; i >= 0; i--) {
    const l = leaving[i];
    if (l?.ran && l.instance.at <= now) leaving.splice(i, 1);
  }
  const listed = own.map((instance): ListedInstance => {
    if (instance.createdFrom !== undefined && now < instance.at)
      return { instance, status: 'OUTDATED', detailed: 'RUNNING' };
    return { instance, status: instance.status, detailed: endedStatus(instance) };
  });
  const old = leaving.map(
    ({ instance, ran }): ListedInstance => ({
      instance,
      status: 'CURRENT',
      detailed: ran ? 'RUNNING' : 'SUCCEEDED',
    }),
  );
  const waiting = queued
    .filter((q) => q.listedFrom <= now)
    .map(
      (q): ListedInstance => ({
        instance: newInstance({ account: q.account, region: q.region, ou: q.ou, stackId: '' }, q.at),
        status: 'OUTDATED',
        detailed: 'PENDING',
      }),
    );
  return [...listed, ...old, ...waiting];
}

/**
 * Lists a moved account's old instance, whose stack's Delete ran from `from`, as being deleted for
 * {@link STACK_DELETION_MS} at least. @returns when its deletion ends.
 */
export function listDeletion(leaving: Leaving[], instance: StackInstance, from: number): number {
  instance.deletingFrom = from;
  instance.at = Math.max(instance.at, from + STACK_DELETION_MS);
  leaving.push({ instance, ran: true });
  return instance.at;
}

/**
 * Runs the armed deletion of the leaving instance `stackId` (`run`: its stack's Delete from its start), listed as
 * being deleted for {@link STACK_DELETION_MS} at least; a second run does nothing.
 */
export async function runDeletion(
  leaving: Leaving[],
  stackId: string,
  run: (instance: StackInstance, from: number) => Promise<void> | undefined,
): Promise<void> {
  const entry = leaving.find((l) => l.instance.stackId === stackId && !l.ran);
  if (!entry) return;
  entry.ran = true;
  const from = entry.instance.deletingFrom ?? entry.instance.at;
  await run(entry.instance, from);
  entry.instance.at = Math.max(entry.instance.at, from + STACK_DELETION_MS);
}
