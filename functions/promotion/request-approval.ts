import * as z from 'zod';
import { approvalSecret } from '../../aws/approval-secret.js';
import { announce } from '../../aws/notifications.js';
import { recordApprovalRequest } from '../../aws/promotion-approvals.js';
import { AlreadyDecidedError } from '../../core/errors.js';
import { announcement } from '../../core/notifications/announce.js';
import { approvalIdFor, approvalLink } from '../../core/promotion/approval-link.js';
import { taskHandler } from './lambda.js';
import { parseTaskInput } from './schemas.js';

const requestSchema = z.object({
  taskToken: z.string().min(1),
  image: z.string().min(1),
  version: z.string().min(1),
  channel: z.string().min(1),
  approvers: z.array(z.string().min(1)).min(1),
  timeoutSeconds: z.number().int().positive(),
});

/**
 * RequestApproval (a `waitForTaskToken` task): stores the task token in the `APPROVAL#` item, then notifies each
 * approver with signed approve/reject links that carry only the short id. The links expire with the task's
 * timeout. The state machine then waits until the approval callback sends the decision, or the timeout.
 */
export async function requestApproval(input: unknown): Promise<{ approvalId: string; expiresAt: string }> {
  const req = parseTaskInput(requestSchema, input, 'RequestApproval');
  const base = process.env.APPROVAL_URL;
  if (!base) throw new Error('APPROVAL_URL is not set');
  const now = new Date();
  const expires = Math.floor(now.getTime() / 1000) + req.timeoutSeconds;
  const expiresAt = new Date(expires * 1000).toISOString();
  const approvalId = approvalIdFor(req.taskToken);
  const recorded = await recordApprovalRequest({
    image: req.image,
    version: req.version,
    channel: req.channel,
    approvalId,
    taskToken: req.taskToken,
    approvers: req.approvers,
    requestedAt: now.toISOString(),
    expiresAt,
  });
  if (!recorded) {
    throw new AlreadyDecidedError(`another approval request holds ${req.image} ${req.version} ${req.channel}`);
  }
  const secret = await approvalSecret();
  const claims = { id: approvalId, image: req.image, version: req.version, channel: req.channel, expires };
  const links = req.approvers.map((approver) => ({
    approver,
    approve: approvalLink(base, { ...claims, decision: 'approve', by: approver }, secret),
    reject: approvalLink(base, { ...claims, decision: 'reject', by: approver }, secret),
  }));
  await announce(
    announcement(
      'approval-requested',
      { image: req.image, version: req.version, channel: req.channel },
      { approvalId, approvers: req.approvers, expiresAt, links },
      { at: now.toISOString(), key: approvalId },
    ),
  );
  return { approvalId, expiresAt };
}

export const handler = taskHandler('promotion-request-approval', requestApproval);
