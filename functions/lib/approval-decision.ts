import { type ApprovalRecord, claimApprovalDecision, markApprovalSent } from '../../aws/promotion-approvals.js';
import { sendTaskFailure, sendTaskSuccess } from '../../aws/stepfunctions.js';
import { isTransient } from '../../core/errors/classify.js';
import { DECISION_ERRORS, rejectionCause } from '../../core/promotion/outcome.js';

/** What answering an approval came to: decided now, or refused with an HTTP status and a reason. */
export type ApprovalAnswer =
  | {
      ok: true;
      decision: 'approve' | 'reject';
      by: string;
      at: string;
      /** False while Step Functions is unavailable: the decision is recorded and the reconciler delivers it. */
      delivered: boolean;
    }
  | { ok: false; status: 403 | 409; reason: string };

/** A recorded decision, with the task token it answers. */
export type RecordedDecision = Pick<ApprovalRecord, 'image' | 'version' | 'channel' | 'taskToken'> & {
  decision: 'approve' | 'reject';
  by: string;
  decidedAt: string;
};

/**
 * Sends a recorded decision to the waiting task — SendTaskSuccess `{ decision, by, at }` or SendTaskFailure
 * `Rejected` — and marks it sent. A transient failure (Step Functions unavailable or throttling, after the SDK's
 * retries) leaves it recorded and unsent for the reconciler: `pending`. Any other failure throws.
 */
export async function deliverDecision(d: RecordedDecision, now: string): Promise<'delivered' | 'pending'> {
  try {
    if (d.decision === 'approve') {
      await sendTaskSuccess(d.taskToken, { decision: 'approved', by: d.by, at: d.decidedAt });
    } else {
      await sendTaskFailure(d.taskToken, DECISION_ERRORS.approvalRejected, rejectionCause(d.by, d.decidedAt));
    }
  } catch (error) {
    if (isTransient(error)) return 'pending';
    throw error;
  }
  await markApprovalSent(d.image, d.version, d.channel, now);
  return 'delivered';
}

/**
 * The one way an approval is decided, whichever door the answer came through (signed link, Slack, the operator
 * endpoint): `by` must be one of the request's approvers; the decision is recorded first with a conditional write
 * (one decision per approval), then delivered to Step Functions. While Step Functions is unavailable the answer
 * still counts: it is recorded, `delivered` is false, and the reconciler delivers it as soon as Step Functions
 * answers (functions/reconcile-approvals.ts). A permanent SendTask failure throws.
 */
export async function answerApproval(
  approval: ApprovalRecord,
  decision: 'approve' | 'reject',
  by: string,
  at: string,
  via: 'email' | 'slack' | 'operator' = 'email',
  slackUser?: string,
): Promise<ApprovalAnswer> {
  const { image, version, channel, approvalId } = approval;
  if (!approval.approvers.includes(by))
    return { ok: false, status: 403, reason: `${by} is not an approver of ${channel}` };
  if (!(await claimApprovalDecision({ image, version, channel, approvalId, decision, by, at, via, slackUser }))) {
    return {
      ok: false,
      status: 409,
      reason: `already decided: ${approval.decision ?? 'decided'} by ${approval.by ?? 'someone'}`,
    };
  }
  const sent = await deliverDecision(
    { image, version, channel, taskToken: approval.taskToken, decision, by, decidedAt: at },
    at,
  );
  return { ok: true, decision, by, at, delivered: sent === 'delivered' };
}

/** What the approver is told: the decision, and whether it still waits for Step Functions. */
export function answerText(answer: Extract<ApprovalAnswer, { ok: true }>, what: string): string {
  const done = `${answer.decision === 'approve' ? 'Approved' : 'Rejected'} ${what} as ${answer.by}.`;
  return answer.delivered
    ? done
    : `${done} Step Functions is unavailable: the decision is recorded and will be delivered as soon as it answers.`;
}
