import type { RolloutRecord } from './record.js';
import { rolloutExecutionNameOf, rolloutTakeBackExecutionName } from './request.js';
import { followedByItsExecution } from './supersede.js';

/**
 * Which Rollout execution drives a rollout's record, so that two executions never drive one rollout (a retried
 * rollout's earlier execution still running beside its retry's). Pure.
 */

/**
 * The name of the execution that drives the record now: the take-back's (`back-…`) once a revocation took an ended
 * rollout's groups back, unless its own execution still follows its rollback; else its first or latest retry's.
 */
export function drivingExecutionName(record: RolloutRecord): string {
  return record.takenBack && !followedByItsExecution(record)
    ? rolloutTakeBackExecutionName(record.image, record.channel, record.version, record.attempt)
    : rolloutExecutionNameOf(record);
}

/**
 * Why the execution `executionName` (the task's `$$.Execution.Name`) may not drive `record`, or undefined when it may.
 * An input without the name comes from an execution of the previous release (a running execution keeps its
 * definition): it is taken as the one execution the record has known, so it is refused once the record names
 * another, a retry's (written, or whose execution is about to start).
 */
export function executionRefusal(record: RolloutRecord, executionName: string | undefined): string | undefined {
  const current = drivingExecutionName(record);
  const what = `${record.image} ${record.version} ${record.channel}`;
  if (executionName === undefined) {
    const retried = record.retrying !== undefined || (record.operatorActions ?? []).some((a) => a.action === 'retry');
    if (!retried) return undefined;
    return `rollout executionName: missing (an execution of the previous release), but the rollout of ${what} is driven by ${current}: refusing to drive it`;
  }
  if (executionName === current) return undefined;
  return `rollout executionName: ${executionName} is not the execution driving the rollout of ${what} (${current}): refusing to drive it`;
}
