import * as z from 'zod';
import { parentStanding } from '../../aws/lifecycle/lineage-holds.js';
import { sendApproverLinks } from '../../aws/notifications/approver-links.js';
import { announce } from '../../aws/notifications/notifications.js';
import { holdApprovalRequest, holdLinkNonceDigest, markLinksSent } from '../../aws/promotion/approval-requests.js';
import { approvalSecret } from '../../aws/promotion/approval-secret.js';
import { approvalKey } from '../../aws/promotion/promotion-approvals.js';
import { readChannelFacts } from '../../aws/promotion/promotion-facts.js';
import { currentTaskTokenKey, sealedToken } from '../../aws/promotion/task-tokens.js';
import { announcement } from '../../core/notifications/announce.js';
import { decisionRoutes } from '../../core/notifications/sinks.js';
import { approvalIdFor, approvalLink, linkNonceDigest, linkNonceFor } from '../../core/promotion/approval-link.js';
import { PreconditionsUnmetError } from '../../core/promotion/preconditions.js';
import { bundledCatalog } from '../lib/catalog.js';
import { changesForApproval } from './approval-changes.js';
import { taskHandler } from './lambda.js';
import { parseTaskInput } from './schemas.js';
import { catalogChannel } from './trusted.js';

const requestSchema = z.object({
  taskToken: z.string().min(1),
  /**
   * `$$.Execution.Id`: how a retried attempt (a new token) recognizes the request its promotion already wrote. Absent
   * from executions started under the definition before it was passed (an execution keeps the definition it started
   * with): such an attempt is treated as before, and a request it finds is refused.
   */
  execution: z.string().min(1).optional(),
  image: z.string().min(1),
  version: z.string().min(1),
  channel: z.string().min(1),
});

/**
 * RequestApproval (a `waitForTaskToken` task): stores the task token, sealed, in the `APPROVAL#` item, announces to the team
 * who must decide and how (no link), then sends each approver their own signed approve/reject links, to them alone
 * (aws/notifications/approver-links.ts). A link carries only the short id and names its approver under the signature, so it
 * decides only as that approver; it expires with the task's timeout. The state machine then waits until a decision
 * is sent (link, Slack, operator endpoint), or the timeout. The payload only names the build and the channel: the
 * approvers and the timeout are the catalog's, the findings the approvers decide on are Gate's record, and a build
 * Gate has not passed into the channel is refused (trusted.ts).
 *
 * Safe to retry after any of its effects: a retried attempt has a new token, recognizes the request its own
 * promotion wrote (aws/promotion/approval-requests.ts), takes it over under the same short id, and sends only what is still
 * unsent (the announcement is claimed once by its id; each approver's links are noted as sent after SNS took them).
 * A request another promotion holds is refused (AlreadyDecidedError).
 */
export async function requestApproval(input: unknown): Promise<{ approvalId: string; expiresAt: string }> {
  const ref = parseTaskInput(requestSchema, input, 'RequestApproval');
  const { channel } = catalogChannel(ref.image, ref.channel, 'RequestApproval');
  if (!channel.approval) {
    throw new PreconditionsUnmetError('RequestApproval', [`the catalog asks no approval for ${ref.channel}`]);
  }
  const facts = await readChannelFacts(ref.image, ref.version, channel.name, channel.after);
  if (!facts.gate) {
    throw new PreconditionsUnmetError('RequestApproval', [`Gate has not passed ${ref.version} into ${ref.channel}`]);
  }
  const req = { ...ref, ...channel.approval, findings: pickFindings(facts.gate.findings) };
  // The parent version it was built on and how that one stands here: what the approver should know before deciding.
  const parent = await parentStanding(facts.lineage, channel.name);
  // What it changes against the version the channel holds now: the request goes out whatever this finds.
  const changes = await changesForApproval(req.image, req.version, channel.name);
  const base = process.env.APPROVAL_URL;
  if (!base) throw new Error('APPROVAL_URL is not set');
  const now = new Date();
  const expires = Math.floor(now.getTime() / 1000) + req.timeoutSeconds;
  // The ledger gets the token sealed and the links' nonce as a digest: neither is of use to a reader of the ledger.
  const secret = await approvalSecret(now);
  const nonce = linkNonceFor(req.taskToken, await currentTaskTokenKey(now));
  const digest = linkNonceDigest(nonce, secret);
  const found = await holdApprovalRequest({
    image: req.image,
    version: req.version,
    channel: req.channel,
    approvalId: approvalIdFor(req.taskToken),
    taskToken: await sealedToken(req.taskToken, approvalKey(req.image, req.version, req.channel), now),
    ...(req.execution ? { execution: req.execution } : {}),
    approvers: req.approvers,
    linkNonceDigests: new Set([digest]),
    requestedAt: now.toISOString(),
    expiresAt: new Date(expires * 1000).toISOString(),
    findings: req.findings,
    changes,
  });
  // A retried attempt shows what the request first showed (the decision's proof names that diff).
  const { approvalId, expiresAt, findings = req.findings } = found;
  const shown = found.changes ?? changes;
  // Announced once per request (claimed by its id): a retry's announcement is suppressed.
  await announce(
    announcement(
      'approval-requested',
      { image: req.image, version: req.version, channel: req.channel },
      { approvalId, approvers: req.approvers, expiresAt, findings, ...(parent ? { parent } : {}), changes: shown },
      {
        at: found.requestedAt,
        key: approvalId,
        decisionRoutes: decisionRoutes(bundledCatalog().notifications, req.approvers),
      },
    ),
  );
  const unsent = req.approvers.filter((a) => !found.linksSentTo?.includes(a));
  if (unsent.length === 0) return { approvalId, expiresAt };
  // A request an earlier attempt wrote holds that attempt's digest (its links carry that nonce): this attempt's is
  // added for the links it sends, unless a decision through a link spent the request's nonces (then no link it sent
  // could decide anything: none is sent).
  const held = found.linkNonceDigests?.has(digest) ? found : await holdLinkNonceDigest(found, digest);
  if (!held?.linkNonceDigests?.has(digest)) return { approvalId, expiresAt };
  // Links expire with the request this attempt holds (a taken-over request expires with this attempt's timeout).
  const claims = {
    id: approvalId,
    image: req.image,
    version: req.version,
    channel: req.channel,
    expires: Math.floor(Date.parse(expiresAt) / 1000),
    nonce,
  };
  for (const approver of unsent) {
    await sendApproverLinks([
      {
        approvalId,
        image: req.image,
        version: req.version,
        channel: req.channel,
        approver,
        others: req.approvers.filter((a) => a !== approver),
        expiresAt,
        findings,
        parent,
        changes: shown,
        approve: approvalLink(base, { ...claims, decision: 'approve', by: approver }, secret),
        reject: approvalLink(base, { ...claims, decision: 'reject', by: approver }, secret),
      },
    ]);
    await markLinksSent(held, approver);
  }
  return { approvalId, expiresAt };
}

const pickFindings = (f: { critical: number; high: number; medium: number }) => ({
  critical: f.critical,
  high: f.high,
  medium: f.medium,
});

export const handler = taskHandler('promotion-request-approval', requestApproval);
