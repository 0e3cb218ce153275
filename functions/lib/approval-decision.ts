import { holdMessage, lineageHoldOf } from '../../aws/lifecycle/lineage-holds.js';
import { announce } from '../../aws/notifications/notifications.js';
import { decisionKey } from '../../aws/promotion/approval-secret.js';
import {
  type ApprovalRecord,
  claimApprovalDecision,
  getApproval,
  markApprovalSent,
} from '../../aws/promotion/promotion-approvals.js';
import { sendTaskFailure, sendTaskSuccess } from '../../aws/promotion/stepfunctions.js';
import { approvalTaskToken } from '../../aws/promotion/task-tokens.js';
import { isTransient } from '../../core/errors/classify.js';
import { heldInstead } from '../../core/lifecycle/lineage-hold.js';
import { announcement } from '../../core/notifications/announce.js';
import type { NonceMatch } from '../../core/promotion/approval-link.js';
import { decisionProof } from '../../core/promotion/decision-proof.js';
import { DECISION_ERRORS, rejectionCause } from '../../core/promotion/outcome.js';
import { notAnApproverText } from '../../core/trust/refusal-text.js';
import { endRejectedDescendantWaits } from '../lifecycle/rejected-descendants.js';
import { promotionPlans } from '../promotion/plans.js';

/** What answering an approval came to: decided now, or refused with an HTTP status and a reason. */
export type ApprovalAnswer =
  | {
      ok: true;
      decision: 'approve' | 'reject';
      by: string;
      at: string;
      /** False while Step Functions is unavailable: the decision is recorded and the reconciler delivers it. */
      delivered: boolean;
      /**
       * An approval of a version built on a revoked parent: recorded, but it stopped the promotion instead (the hold,
       * and what is promoted in its place).
       */
      held?: string | undefined;
    }
  | { ok: false; status: 403 | 409; reason: string };

/** A recorded decision, with the task token it answers (opened: as Step Functions gave it). */
export type RecordedDecision = Pick<ApprovalRecord, 'image' | 'version' | 'channel' | 'taskToken' | 'reason'> & {
  decision: 'approve' | 'reject';
  by: string;
  decidedAt: string;
};

/** The door an answer came through. */
export type DecisionVia = 'email' | 'slack' | 'operator';

/**
 * Sends a recorded decision to the waiting task — SendTaskSuccess `{ decision, by, at }` or SendTaskFailure
 * `Rejected` — and marks it sent. An approval of a version built on a revoked parent (its flag, or a revoked
 * ancestor, read from the ledger now, whenever the approver answered) is sent as SendTaskFailure `BuiltOnRevoked`
 * instead: the promotion stops, recorded as aborted with the reason, and nothing is promoted (`held`). A transient
 * failure (Step Functions unavailable or throttling, after the SDK's retries) leaves it recorded and unsent for the
 * reconciler: `pending`. Any other failure throws.
 */
export async function deliverDecision(
  d: RecordedDecision,
  now: string,
): Promise<{ sent: 'delivered' | 'pending'; held?: string }> {
  const hold = d.decision === 'approve' ? await lineageHoldOf(d.image, d.version, undefined, d.channel) : undefined;
  try {
    if (hold) {
      await sendTaskFailure(d.taskToken, DECISION_ERRORS.builtOnRevoked, holdMessage(hold));
    } else if (d.decision === 'approve') {
      await sendTaskSuccess(d.taskToken, { decision: 'approved', by: d.by, at: d.decidedAt });
    } else {
      await sendTaskFailure(d.taskToken, DECISION_ERRORS.approvalRejected, rejectionCause(d.by, d.decidedAt, d.reason));
    }
  } catch (error) {
    if (isTransient(error)) return { sent: 'pending' };
    throw error;
  }
  // A rejection holds the versions built on this one at this channel: their waits there end now, at the rejection,
  // rather than at their next step. Before the mark, so a retried delivery ends what a crash left waiting.
  if (d.decision === 'reject') {
    const rejection = { image: d.image, version: d.version, channel: d.channel, by: d.by, reason: d.reason };
    await endRejectedDescendantWaits({ ...rejection, at: d.decidedAt }, promotionPlans());
  }
  await markApprovalSent(d.image, d.version, d.channel, now);
  const held = hold?.rejected
    ? hold.reason
    : hold
      ? `${hold.reason}; ${heldInstead(hold.awaits, hold.via)}`
      : undefined;
  return held ? { sent: 'delivered', held } : { sent: 'delivered' };
}

/**
 * The one way an approval is decided, whichever door the answer came through (signed link, Slack, the operator
 * endpoint): `by` must be one of the request's approvers; the decision is recorded first with a conditional write
 * (one decision per approval, with the door, the approver's reason and the door's proof of it), then delivered to Step Functions, and an
 * approval is announced (a rejection is announced by the promotion's RecordOutcome, with its reason); either
 * announcement names the approval, so the Slack function replaces the request's buttons with the decision. While
 * Step Functions is unavailable the answer still counts: it is recorded, `delivered` is false, and the reconciler
 * delivers it as soon as Step Functions answers (functions/reconcile-approvals.ts). A permanent SendTask failure
 * throws.
 */
export async function answerApproval(
  approval: ApprovalRecord,
  decision: 'approve' | 'reject',
  by: string,
  at: string,
  via: DecisionVia,
  options: { slackUser?: string | undefined; reason?: string | undefined; link?: NonceMatch | undefined } = {},
): Promise<ApprovalAnswer> {
  const { image, version, channel, approvalId } = approval;
  const { slackUser, reason, link } = options;
  if (!approval.approvers.includes(by))
    return { ok: false, status: 403, reason: notAnApproverText(by, image, channel, approval.approvers) };
  if (approval.withdrawn) return { ok: false, status: 409, reason: withdrawnText(approval.withdrawn) };
  // The door's proof: a decision the reconciler delivers later must carry it (functions/reconcile-approvals.ts).
  const taskToken = await approvalTaskToken(approval, new Date(at));
  // The diff the request showed: the proof names it, whatever the diff reads by now (content recorded late).
  const shown = approval.changes?.kind === 'diff' ? approval.changes.digest : undefined;
  const claims = { approvalId, image, version, channel, taskToken, decision, by, via, at, shown };
  const proof = decisionProof(claims, await decisionKey(new Date(at)));
  // A link's decision spends the request's link nonces: the claim holds only while the link's is the ledger's, unspent.
  const claim = { image, version, channel, approvalId, decision, by, at, via, slackUser, reason, proof, link, shown };
  if (!(await claimApprovalDecision(claim))) {
    // Withdrawn since it was read (its version revoked meanwhile): the claim's condition refused it.
    const now = await getApproval(image, version, channel);
    if (now?.withdrawn) return { ok: false, status: 409, reason: withdrawnText(now.withdrawn) };
    return {
      ok: false,
      status: 409,
      reason: `already decided: ${decidedText(approval.decision)} by ${approval.by ?? 'someone'}`,
    };
  }
  const sent = await deliverDecision({ image, version, channel, taskToken, decision, by, decidedAt: at, reason }, at);
  if (decision === 'approve') {
    await announce(announcement('approved', { image, version, channel }, { approvalId, by, via }, { at }));
  }
  return {
    ok: true,
    decision,
    by,
    at,
    delivered: sent.sent === 'delivered',
    ...(sent.held ? { held: sent.held } : {}),
  };
}

/** Why a withdrawn approval cannot be decided: "withdrawn: revoked by ops-lead: CVE-…". */
export function withdrawnText(why: string): string {
  return `withdrawn: ${why}`;
}

/** A recorded decision as people read it: "approved", "rejected". */
export function decidedText(decision: 'approve' | 'reject' | undefined): string {
  if (decision === 'approve') return 'approved';
  if (decision === 'reject') return 'rejected';
  return 'decided';
}

/** What the approver is told: the decision, and whether it still waits for Step Functions. */
export function answerText(answer: Extract<ApprovalAnswer, { ok: true }>, what: string): string {
  const done = `${answer.decision === 'approve' ? 'Approved' : 'Rejected'} ${what} as ${answer.by}.`;
  if (answer.held) return `${done} It is not promoted: ${answer.held}.`;
  return answer.delivered
    ? done
    : `${done} Step Functions is unavailable: the decision is recorded and will be delivered as soon as it answers.`;
}
