import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { approvalKeys } from '../aws/promotion/approval-secret.js';
import { getApproval } from '../aws/promotion/promotion-approvals.js';
import { matchLinkNonce, verifyApprovalLink } from '../core/promotion/approval-link.js';
import { confirmationPage, messagePage, PAGE_HEADERS } from '../core/promotion/approval-page.js';
import { notAnApproverText } from '../core/trust/refusal-text.js';
import { isSlackRequest, slackApprovalCallback } from './approval-slack.js';
import { answerApproval, answerText, decidedText, withdrawnText } from './lib/approval-decision.js';
import { noteRefusal } from './lib/refusals.js';
import { taskHandler } from './promotion/lambda.js';

function reply(statusCode: number, title: string, text: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...PAGE_HEADERS }, body: messagePage(title, text) };
}

const STATUS_FOR_REFUSAL: Record<string, number> = { 'bad signature': 403, 'link expired': 410 };

/** The longest reason a rejection keeps (as the operator endpoint's `--reason`). */
const REASON_MAX = 1000;

/** The optional `reason` of a POSTed form (application/x-www-form-urlencoded), trimmed and bounded. */
function formReason(event: APIGatewayProxyEventV2): string | undefined {
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const reason = new URLSearchParams(body).get('reason')?.trim();
  return reason ? reason.slice(0, REASON_MAX) : undefined;
}

/**
 * The approve/reject link handler (Lambda function URL). Only a POST decides; a GET (a person opening the link, a
 * mail scanner prefetching it, a preview) answers a confirmation page and writes nothing.
 *
 * Both verify the link: the HMAC over every claim, including the approver it names (so a link works only as its
 * approver, whoever holds it), signed with the approval key's current version or, for links signed before a
 * rotation, its previous one (aws/promotion/approval-secret.ts); not expired; the named approval waiting in the ledger; the
 * link's nonce the one the ledger holds for that request (so the key alone cannot make a link that decides); its
 * approver one of the request's. A POST then decides through `answerApproval` (the same code the Slack buttons and
 * the operator endpoint use): one decision per approval, recorded with the form's reason, then SendTaskSuccess or
 * SendTaskFailure `Rejected`. A refused request is counted and sampled (functions/lib/refusals.ts) and answered 4xx
 * with nothing sent. A decision taken while Step Functions is unavailable is recorded and answered 202; the reconciler
 * delivers it. A permanent SendTask failure throws.
 */
export async function approvalCallback(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const now = new Date();
  if (isSlackRequest(event)) return slackApprovalCallback(event, now);
  const params = Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])),
  );
  const refuse = async (reason: string, status: number) => {
    await noteRefusal({ reason, door: 'link', params, sourceIp: event.requestContext?.http?.sourceIp, now });
    return reply(status, 'Refused', `Refused: ${reason}.`);
  };
  const method = event.requestContext?.http?.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return refuse(`method ${method} not allowed`, 405);

  const nowSeconds = Math.floor(now.getTime() / 1000);
  const keys = await approvalKeys(now);
  const verdict = verifyApprovalLink(params, keys, nowSeconds);
  if (!verdict.ok) return refuse(verdict.reason, STATUS_FOR_REFUSAL[verdict.reason] ?? 400);
  const claims = verdict.claims;
  const { id, image, version, channel, decision, by } = claims;

  const approval = await getApproval(image, version, channel);
  if (!approval || approval.approvalId !== id) return refuse('no such approval request', 404);
  // The signature proves the key, not the request: the link must also carry a nonce this request's approvers' links
  // were given. The ledger holds only its digest under the link key (a 0.2.0 request: the nonce itself), recomputed
  // here from the link's; a decision through a link spends them.
  const secrets = keys.map((k) => k.secret);
  const spentDigests = approval.spentLinkNonceDigest ? [approval.spentLinkNonceDigest] : [];
  const spent = matchLinkNonce(claims.nonce, { digests: spentDigests, plain: approval.spentLinkNonce }, secrets);
  const unspent = spent
    ? undefined
    : matchLinkNonce(claims.nonce, { digests: approval.linkNonceDigests, plain: approval.linkNonce }, secrets);
  if (!spent && !unspent) return refuse('link not issued for this request', 403);
  if (!approval.approvers.includes(by)) {
    return refuse(notAnApproverText(by, image, channel, approval.approvers), 403);
  }
  if (approval.withdrawn) return refuse(withdrawnText(approval.withdrawn), 409);

  if (method !== 'POST') {
    const decided =
      approval.decision && approval.by
        ? { decision: approval.decision, by: approval.by, via: approval.via, at: approval.decidedAt }
        : undefined;
    const facts = { ...approval, decided };
    return {
      statusCode: 200,
      headers: { ...PAGE_HEADERS },
      body: confirmationPage(claims, facts, `?${new URLSearchParams(params).toString()}`),
    };
  }

  const at = now.toISOString();
  const reason = decision === 'reject' ? formReason(event) : undefined;
  const answer = await answerApproval(approval, decision, by, at, 'email', { reason, link: unspent ?? spent });
  if (!answer.ok && answer.status === 403) return refuse(answer.reason, 403);
  if (!answer.ok) {
    // One decision per approval: a second POST (or a replayed one) is refused, counted, and changes nothing.
    await noteRefusal({
      reason: 'already decided',
      door: 'link',
      params,
      sourceIp: event.requestContext?.http?.sourceIp,
      now,
    });
    return reply(
      409,
      'Already decided',
      `Already decided: ${decidedText(approval.decision)} by ${approval.by ?? 'someone'}. Nothing more was done.`,
    );
  }
  // 202 when Step Functions was unavailable: the decision is recorded and the reconciler delivers it.
  const what = `${image} ${version} for ${channel}`;
  return reply(answer.delivered ? 200 : 202, decidedText(decision), answerText(answer, what));
}

export const handler = taskHandler('approval-callback', approvalCallback);
