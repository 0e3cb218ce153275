import type { PromotionPlan } from '../../core/promotion/types.js';

/**
 * The promotion state machine's state names and the per-channel figures its states are built from. Free of the CDK
 * (unlike the modules that build the states), so that code reading a synthesized definition, such as the tests that
 * run its ASL on the local engine, names its states without loading aws-cdk-lib.
 */

/** The Task state names (the simulator's override keys); approval tasks are one per approving channel. */
export const TASK_STATES = {
  loadImage: 'LoadImage',
  gate: 'Gate',
  soakCheck: 'SoakCheck',
  share: 'Share',
  publish: 'Publish',
  retire: 'Retire',
  recordOutcome: 'RecordOutcome',
  recordFailure: 'RecordFailure',
} as const;

/** The approval task of a channel: its own state, because TimeoutSeconds comes from that channel's catalog entry. */
export function approvalStateName(channel: string): string {
  return `RequestApproval ${channel}`;
}

/**
 * A channel's soak: a task-token wait, not a Wait state, so it can end early. Its TimeoutSeconds is the channel's
 * soak (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html: a Task that runs past TimeoutSeconds
 * fails with `States.Timeout`), which is the soak elapsing; an operator's `promote` answers the token
 * (SendTaskSuccess) and ends it at once. Both lead to SoakCheck: ending a soak early never passes a gate. One state
 * per soaking channel, as for approvals, because TimeoutSeconds comes from that channel's catalog entry. Chosen over
 * a polling loop of Waits that reads a "soak ended" mark: no polling transitions, no delay once the operator acts.
 */
export function soakStateName(channel: string): string {
  return `Soak ${channel}`;
}

/** Soaking channels of the catalog with their soak (the same for every image that uses the channel). */
export function soakTimes(plans: readonly PromotionPlan[]): Map<string, number> {
  const found = new Map<string, number>();
  for (const plan of plans) {
    for (const c of plan.channels) if (c.soakSeconds !== undefined) found.set(c.name, c.soakSeconds);
  }
  return found;
}
