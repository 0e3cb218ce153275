import * as z from 'zod';
import { approvalSecret } from '../../aws/approval-secret.js';
import { sendApproverLinks } from '../../aws/approver-links.js';
import { announce } from '../../aws/notifications.js';
import { getApproval, recordApprovalRequest } from '../../aws/promotion-approvals.js';
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
  /** The gate's findings (the state's `$.gate.findings`): what the approvers decide on. */
  findings: z.object({ critical: z.number(), high: z.number(), medium: z.number() }).optional(),
});

/**
 * RequestApproval (a `waitForTaskToken` task): stores the task token in the `APPROVAL#` item, announces to the team
 * who must decide and how (no link), then sends each approver their own signed approve/reject links, to them alone
 * (aws/approver-links.ts). A link carries only the short id and names its approver under the signature, so it
 * decides only as that approver; it expires with the task's timeout. The state machine then waits until a decision
 * is sent (link, Slack, operator endpoint), or the timeout.
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
    ...(req.findings ? { findings: pickFindings(req.findings) } : {}),
  });
  if (!recorded) {
    // A retry of a request already answered (its links went out before a later step failed): nothing more to send.
    const existing = await getApproval(req.image, req.version, req.channel);
    if (existing?.approvalId === approvalId) return { approvalId, expiresAt: existing.expiresAt };
    throw new AlreadyDecidedError(`another approval request holds ${req.image} ${req.version} ${req.channel}`);
  }
  const findings = req.findings ? pickFindings(req.findings) : undefined;
  await announce(
    announcement(
      'approval-requested',
      { image: req.image, version: req.version, channel: req.channel },
      { approvalId, approvers: req.approvers, expiresAt, ...(findings ? { findings } : {}) },
      { at: now.toISOString(), key: approvalId },
    ),
  );
  const secret = await approvalSecret(now);
  const claims = { id: approvalId, image: req.image, version: req.version, channel: req.channel, expires };
  await sendApproverLinks(
    req.approvers.map((approver) => ({
      approvalId,
      image: req.image,
      version: req.version,
      channel: req.channel,
      approver,
      others: req.approvers.filter((a) => a !== approver),
      expiresAt,
      findings,
      approve: approvalLink(base, { ...claims, decision: 'approve', by: approver }, secret),
      reject: approvalLink(base, { ...claims, decision: 'reject', by: approver }, secret),
    })),
  );
  return { approvalId, expiresAt };
}

const pickFindings = (f: { critical: number; high: number; medium: number }) => ({
  critical: f.critical,
  high: f.high,
  medium: f.medium,
});

export const handler = taskHandler('promotion-request-approval', requestApproval);
