import { type ApprovalRecord, getApproval } from '../../aws/promotion/promotion-approvals.js';
import { announcement } from '../../core/notifications/announce.js';
import { decisionRoutes as routesFor } from '../../core/notifications/sinks.js';
import type { Notification } from '../../events/notification.js';
import { bundledCatalog } from '../lib/catalog.js';

/**
 * What the Slack relay may show of an approval, from the ledger only. Anyone who could publish to the notifications
 * topic could otherwise show a request as approved while it waits, put live Approve buttons under their own text, or
 * post a request the ledger never held: so an approval request is rendered from the ledger's `APPROVAL#` record for
 * its approval id (text, approvers, expiry, findings, and buttons only while it is undecided), and a decision updates
 * the request's message only when the ledger records that very decision, as the ledger records it.
 */

type Request = Extract<Notification, { event: 'approval-requested' }>;
type Decision = Extract<Notification, { event: 'approved' | 'rejected' | 'expired' }>;

/** How much earlier than the ledger's expiry Step Functions may time the wait out (its clock started first). */
const EXPIRY_SLACK_MS = 15 * 60_000;

/** What to render: the announcement as the ledger has it (its id kept), and the decision when one stands. */
export type Vetted =
  | { ok: true; render: Notification; request?: Request; decided?: Decision }
  | { ok: false; reason: string };

const subjectOf = (r: ApprovalRecord) => ({ image: r.image, version: r.version, channel: r.channel });

/**
 * The request as RequestApproval announced it (functions/promotion/request-approval.ts), from the ledger's record and
 * the catalog the function bundles.
 */
function requestOf(r: ApprovalRecord, id: string): Request {
  const detail = {
    approvalId: r.approvalId,
    approvers: r.approvers,
    expiresAt: r.expiresAt,
    ...(r.findings ? { findings: r.findings } : {}),
    // What the version changes, as the request stored it: every chat sink shows it, and a decision's proof names its digest.
    ...(r.changes ? { changes: r.changes } : {}),
  };
  // The routes the catalog configures for these approvers, as RequestApproval named them (no Slack buttons where the
  // catalog has no Slack): every chat sink shows this text, Teams and the webhooks as well as Slack.
  const decisionRoutes = routesFor(bundledCatalog().notifications, r.approvers);
  return {
    ...announcement('approval-requested', subjectOf(r), detail, {
      at: r.requestedAt,
      key: r.approvalId,
      decisionRoutes,
    }),
    id,
  };
}

/** The decision the ledger records on `r`, if any stands at `now`. */
function decisionOf(r: ApprovalRecord, id: string, now: Date): Decision | undefined {
  const at = r.decidedAt ?? r.requestedAt;
  const by = r.by ?? 'an approver';
  if (r.decision === 'approve') {
    return {
      ...announcement('approved', subjectOf(r), { approvalId: r.approvalId, by, via: r.via ?? 'email' }, { at }),
      id,
    };
  }
  if (r.decision === 'reject') {
    const detail = {
      approvalId: r.approvalId,
      reason: r.reason ?? 'no reason given',
      ...(r.by ? { by: r.by } : {}),
      ...(r.via ? { via: r.via } : {}),
    };
    return { ...announcement('rejected', subjectOf(r), detail, { at }), id };
  }
  if (Date.parse(r.expiresAt) <= now.getTime() + EXPIRY_SLACK_MS) {
    const detail = { approvalId: r.approvalId, reason: 'no decision before the approval expired' };
    return { ...announcement('expired', subjectOf(r), detail, { at: r.expiresAt }), id };
  }
  return undefined;
}

const approvalIdOf = (n: Notification): string | undefined => {
  if (n.event === 'approval-requested') return n.detail.approvalId;
  if (n.event === 'approved' || n.event === 'rejected' || n.event === 'expired') return n.detail.approvalId;
  return undefined;
};

/**
 * Checks an approval announcement against the ledger and says what to render; any other announcement is rendered
 * as it came. Refused: an approval id the ledger does not hold for that image version and channel, or a decision
 * the ledger does not record.
 */
export async function vetApproval(n: Notification, now: Date): Promise<Vetted> {
  const approvalId = approvalIdOf(n);
  if (approvalId === undefined) return { ok: true, render: n };
  if (!n.image || !n.version || !n.channel) return { ok: false, reason: 'it names no image version and channel' };
  const record = await getApproval(n.image, n.version, n.channel);
  if (!record || record.approvalId !== approvalId) {
    return { ok: false, reason: `the ledger holds no approval ${approvalId} for ${n.image} ${n.version} ${n.channel}` };
  }
  const decided = decisionOf(record, n.id, now);
  if (n.event === 'approval-requested') {
    const request = requestOf(record, n.id);
    return { ok: true, render: request, request, ...(decided ? { decided } : {}) };
  }
  if (decided?.event !== n.event) {
    return { ok: false, reason: `the ledger records ${record.decision ?? 'no decision'} on approval ${approvalId}` };
  }
  return { ok: true, render: decided, decided };
}
