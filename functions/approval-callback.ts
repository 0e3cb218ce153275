import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { approvalSecret } from '../aws/approval-secret.js';
import { getApproval, recordRefusedCallback } from '../aws/promotion-approvals.js';
import { verifyApprovalLink } from '../core/promotion/approval-link.js';
import { announceApproved, isSlackRequest, slackApprovalCallback } from './approval-slack.js';
import { answerApproval, answerText } from './lib/approval-decision.js';
import { taskHandler } from './promotion/lambda.js';

function reply(statusCode: number, text: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text };
}

const STATUS_FOR_REFUSAL: Record<string, number> = { 'bad signature': 403, 'link expired': 410 };

/**
 * The approve/reject link handler (Lambda function URL). Verifies the link's HMAC and expiry, finds the task token
 * in the `APPROVAL#` item by the link's short id, then decides it through `answerApproval` (the same code the
 * operator endpoint uses): one decision per approval, then SendTaskSuccess or SendTaskFailure `Rejected`. A refused link
 * is recorded and answered 4xx with nothing sent. A decision taken while Step Functions is unavailable is recorded
 * and answered 202; the reconciler delivers it. A permanent SendTask failure throws.
 */
export async function approvalCallback(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const params = Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])),
  );
  const now = new Date();
  const at = now.toISOString();
  const refuse = async (reason: string, status: number) => {
    const { sig: _sig, ...shown } = params;
    await recordRefusedCallback({ reason, at, params: shown, sourceIp: event.requestContext?.http?.sourceIp });
    return reply(status, `Refused: ${reason}.`);
  };

  if (isSlackRequest(event)) return slackApprovalCallback(event, now);

  const verdict = verifyApprovalLink(params, await approvalSecret(), Math.floor(now.getTime() / 1000));
  if (!verdict.ok) return refuse(verdict.reason, STATUS_FOR_REFUSAL[verdict.reason] ?? 400);
  const { id, image, version, channel, decision, by } = verdict.claims;

  const approval = await getApproval(image, version, channel);
  if (!approval || approval.approvalId !== id) return refuse('no such approval request', 404);
  const answer = await answerApproval(approval, decision, by, at, 'email');
  if (!answer.ok && answer.status === 403) return refuse(answer.reason, 403);
  if (!answer.ok) {
    // Links are single use: a second click (or a replayed link) is refused and recorded like any other refusal.
    await refuse('link already used', 409);
    return reply(409, `Already decided: ${approval.decision ?? 'decided'} by ${approval.by ?? 'someone'}.`);
  }
  if (decision === 'approve') await announceApproved({ image, version, channel, approvalId: id, by, via: 'email', at });
  // 202 when Step Functions was unavailable: the decision is recorded and the reconciler delivers it.
  return reply(answer.delivered ? 200 : 202, answerText(answer, `${image} ${version} for ${channel}`));
}

export const handler = taskHandler('approval-callback', approvalCallback);
