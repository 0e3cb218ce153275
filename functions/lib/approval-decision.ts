import { type ApprovalRecord, claimApprovalDecision, markApprovalSent } from '../../aws/promotion-approvals.js';
import { sendTaskFailure, sendTaskSuccess } from '../../aws/stepfunctions.js';
import { DECISION_ERRORS, rejectionCause } from '../../core/promotion/outcome.js';

/** What answering an approval came to: decided now, or refused with an HTTP status and a reason. */
export type ApprovalAnswer =
  | { ok: true; decision: 'approve' | 'reject'; by: string; at: string }
  | { ok: false; status: 403 | 409; reason: string };

/**
 * The one way an approval is decided, whichever door the answer came through (signed link, Slack, the operator
 * endpoint): `by` must be one of the request's approvers; the decision is claimed with a conditional write (one
 * decision per approval), then Step Functions is answered — SendTaskSuccess `{ decision, by, at }` or
 * SendTaskFailure `Rejected` — and the answer marked sent. A failing SendTask call throws, so the caller can retry.
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
  if (decision === 'approve') {
    await sendTaskSuccess(approval.taskToken, { decision: 'approved', by, at });
  } else {
    await sendTaskFailure(approval.taskToken, DECISION_ERRORS.approvalRejected, rejectionCause(by, at));
  }
  await markApprovalSent(image, version, channel, at);
  return { ok: true, decision, by, at };
}
