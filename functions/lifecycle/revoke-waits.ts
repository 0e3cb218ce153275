import { approvalsOfVersion, withdrawApproval } from '../../aws/lifecycle/approval-withdrawals.js';
import { markApprovalSent } from '../../aws/promotion/promotion-approvals.js';
import { listSoaks, markSoakEndedEarly } from '../../aws/promotion/promotion-soaks.js';
import { isTaskGone, sendTaskFailure } from '../../aws/promotion/stepfunctions.js';
import { approvalTaskToken, soakTaskToken } from '../../aws/promotion/task-tokens.js';
import { DECISION_ERRORS } from '../../core/promotion/outcome.js';

async function failTask(taskToken: string, error: string, cause: string): Promise<void> {
  try {
    // `Revoked` or `BuiltOnRevoked`: the state's Catch takes it to RecordOutcome, which records the channel aborted
    // with this cause.
    await sendTaskFailure(taskToken, error, cause);
  } catch (error) {
    // A token no longer waiting (answered, timed out, its execution ended): the wait is over already.
    if (!isTaskGone(error)) throw error;
  }
}

/** What a revocation asks of the promotions of the revoked build: why, by whom, when. */
export interface EndedBy {
  image: string;
  version: string;
  reason: string;
  by: string;
  at: string;
}

/** How a version's waits end: the error its tasks fail with, the outcome's cause, and the soak's recorded reason. */
interface Stop {
  image: string;
  version: string;
  error: string;
  cause: string;
  soakReason: string;
  by: string;
  at: string;
  /** Only the waits for this channel (a rejection holds at its channel only); every channel's when absent. */
  channel?: string;
}

/**
 * Ends the waits of one version's promotions at `at`: each approval request is first marked withdrawn (every door
 * refuses it from then on), then its task is failed and the request marked answered; each running soak's task is
 * failed the same way and the soak marked ended. Safe to retry at any point: a wait already withdrawn is failed again
 * (a token no longer waiting is no error) and marked; an approval a door decided first is left to its decision,
 * which the version's next step refuses.
 */
async function endWaits(stop: Stop): Promise<string[]> {
  const { image, version, by, at, error, cause } = stop;
  const ended: string[] = [];
  for (const approval of await approvalsOfVersion(image, version)) {
    // Answered, or expired already (its task timed out on its own): nothing waits. Decided by a door first: its
    // delivery stands, and the version's next step (SoakCheck, Publish) refuses it.
    if (stop.channel !== undefined && approval.channel !== stop.channel) continue;
    if (approval.sentAt || approval.undeliverable || Date.parse(approval.expiresAt) <= Date.parse(at)) continue;
    if (approval.decision) continue;
    if (!approval.withdrawn && !(await withdrawApproval(approval, cause, at))) continue;
    await failTask(await approvalTaskToken(approval, new Date(at)), error, cause);
    await markApprovalSent(image, version, approval.channel, at);
    ended.push(`${approval.channel} approval withdrawn`);
  }
  for (const soak of await listSoaks(image)) {
    if (soak.version !== version || soak.state !== 'soaking' || Date.parse(soak.until) <= Date.parse(at)) continue;
    if (stop.channel !== undefined && soak.channel !== stop.channel) continue;
    await failTask(await soakTaskToken(soak, new Date(at)), error, cause);
    await markSoakEndedEarly(soak, by, at, stop.soakReason);
    ended.push(`${soak.channel} soak ended`);
  }
  return ended;
}

/**
 * Ends the promotions of a revoked build that wait — for an approval, or for a soak to elapse — at the revocation,
 * failing their tasks with `Revoked`: the promotion records the channel aborted with the revocation's reason, now
 * rather than when the approval would have expired or the soak elapsed.
 * @returns what was ended, as the announcement says it: "prod approval withdrawn", "staging soak ended".
 */
export async function endWaitingPromotions(revocation: EndedBy): Promise<string[]> {
  return endWaits({
    ...revocation,
    error: DECISION_ERRORS.revoked,
    cause: `revoked by ${revocation.by}: ${revocation.reason}`,
    soakReason: `revoked: ${revocation.reason}`,
  });
}

/**
 * Ends the waiting approval or soak of a build flagged by its parent's revocation, at the flag, failing their tasks
 * with `BuiltOnRevoked` (as its next gate, soak check or approval would): the channel is recorded aborted with the
 * hold (`cause`), and the soak reads `held: built on revoked <parent> <version>` from that instant.
 */
export async function endHeldWaits(flagged: {
  image: string;
  version: string;
  hold: string;
  cause: string;
  by: string;
  at: string;
}): Promise<string[]> {
  const { hold, ...rest } = flagged;
  return endWaits({ ...rest, error: DECISION_ERRORS.builtOnRevoked, soakReason: `held: ${hold}` });
}

/**
 * Ends the waiting approval or soak, for one channel, of a build held there by an ancestor an approver rejected for
 * that channel (core/promotion/rejected-parent.ts), at the rejection, failing their tasks with `BuiltOnRevoked` (as
 * its next gate, soak check or approval's delivery would): the channel is recorded aborted with the hold (`held:
 * built on <parent> <version>, rejected for <channel> by <who>: <reason>`), and the soak reads it from that instant.
 */
export async function endRejectedWaits(held: {
  image: string;
  version: string;
  channel: string;
  hold: string;
  by: string;
  at: string;
}): Promise<string[]> {
  const { hold, ...rest } = held;
  return endWaits({ ...rest, error: DECISION_ERRORS.builtOnRevoked, cause: hold, soakReason: hold });
}
