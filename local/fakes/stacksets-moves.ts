import { CANCELLED_REASON } from './stacksets-operation.js';
import type { StackInstance } from './stacksets-types.js';

/**
 * What ListStackInstances shows of the StackSets fake (stacksets.ts) while an account moves between two targeted
 * OUs: its new instance being created (Status OUTDATED, DetailedStatus RUNNING: "The operation in the specified
 * account and Region is currently in progress") until its stack ends, its old one CURRENT meanwhile, then CURRENT
 * and RUNNING while it is deleted, then only the new one
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceSummary.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceComprehensiveStatus.html).
 * StackSets creates the new instance before it deletes the old one
 * (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/2426).
 */

/**
 * How long the deletion of a moved account's old stack lists as RUNNING beyond its custom resources' own time: the
 * deletion of its function, roles and log group, which AWS gives no figure for; the fake takes a minute. Its named
 * roles are gone from the deletion's start, the worst case for a caller holding their credentials.
 */
export const STACK_DELETION_MS = 60_000;

/** A moved account's old instance whose deletion is on the clock: `ran` once its stack's Delete ran. */
export interface Leaving {
  instance: StackInstance;
  ran: boolean;
}

/** An operation's status in one account and Region (StackInstanceComprehensiveStatus.DetailedStatus). */
export type DetailedStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'RUNNING';

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
 * have are dropped from `leaving`).
 */
export function listedAt(own: readonly StackInstance[], leaving: Leaving[], now: number): ListedInstance[] {
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
  return [...listed, ...old];
}

/** Defers a moved account's old instance's deletion to `at`: listed as leaving, its deletion armed on the clock. */
export function deferDeletion(leaving: Leaving[], arm: (stackId: string, at: number) => void) {
  return (instance: StackInstance, at: number): void => {
    instance.deletingFrom = at;
    leaving.push({ instance, ran: false });
    arm(instance.stackId, at);
  };
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
