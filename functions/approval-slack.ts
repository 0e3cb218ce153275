import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { slackCredentials } from '../aws/notifications/slack.js';
import { rememberSlackRequest } from '../aws/notifications/slack-ledger.js';
import { getApproval } from '../aws/promotion/promotion-approvals.js';
import {
  parseSlackDecision,
  SLACK_REQUEST_MAX_AGE_SECONDS,
  verifySlackSignature,
} from '../core/promotion/slack-request.js';
import { answerApproval, answerText } from './lib/approval-decision.js';
import { noteRefusal } from './lib/refusals.js';

function reply(statusCode: number, text: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text };
}

const header = (event: APIGatewayProxyEventV2, name: string) => {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
};

/** A Slack interactivity request: a POST carrying Slack's signature header. */
export function isSlackRequest(event: APIGatewayProxyEventV2): boolean {
  return event.requestContext?.http?.method === 'POST' && header(event, 'x-slack-signature') !== undefined;
}

/** The reason a Slack rejection is recorded and announced with: a button press has no words of its own. */
export function slackRejectionReason(by: string, slackUser: string): string {
  return `rejected in Slack by ${by} (Slack user ${slackUser})`;
}

/** The Slack user → approver name map (env `SLACK_APPROVERS`, JSON, from the catalog's `notifications.slack.approvers`). */
function slackApprovers(): Record<string, string> {
  const raw = process.env.SLACK_APPROVERS;
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
}

/**
 * A pressed Approve/Reject button. Verifies Slack's signature over the raw body (timing-safe, five-minute window),
 * refuses a replay of the same signed request, maps the Slack user to an approver of that channel (anyone else is
 * refused), decides once (conditional write, recording who and "via slack" with the Slack user id), then answers
 * Step Functions. Every refusal is counted (and sampled, functions/lib/refusals.ts) and answered 4xx with nothing sent; the request's
 * message in Slack is updated by the Slack function when the decision is announced.
 */
export async function slackApprovalCallback(
  event: APIGatewayProxyEventV2,
  now: Date,
): Promise<APIGatewayProxyStructuredResultV2> {
  const at = now.toISOString();
  // Function URLs hand over form bodies base64-encoded; the signature covers the raw bytes as Slack sent them.
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const timestamp = header(event, 'x-slack-request-timestamp');
  const signature = header(event, 'x-slack-signature');
  const refuse = async (reason: string, status: number, params: Record<string, string> = {}) => {
    await noteRefusal({ reason, door: 'slack', params, sourceIp: event.requestContext?.http?.sourceIp, now });
    return reply(status, `Refused: ${reason}.`);
  };

  const { signingSecret } = await slackCredentials();
  const verdict = verifySlackSignature({ body, timestamp, signature }, signingSecret, Math.floor(now.getTime() / 1000));
  if (!verdict.ok) return refuse(verdict.reason, 401);
  const expires = Number(timestamp) + SLACK_REQUEST_MAX_AGE_SECONDS * 2;
  if (!(await rememberSlackRequest(signature ?? '', at, expires))) return refuse('replayed Slack request', 409);

  const parsed = parseSlackDecision(body);
  if (!parsed.ok) return refuse(parsed.reason, 400);
  const { slackUser, decision, approvalId, image, version, channel } = parsed.decision;
  const shown = { slackUser, decision, image, version, channel };
  const by = slackApprovers()[slackUser];
  if (!by) return refuse(`Slack user ${slackUser} is not mapped to an approver`, 403, shown);

  const approval = await getApproval(image, version, channel);
  if (!approval || approval.approvalId !== approvalId) return refuse('no such approval request', 404, shown);
  // A button carries no text: the rejection's reason says where it was decided, so its announcement reads as one.
  const reason = decision === 'reject' ? slackRejectionReason(by, slackUser) : undefined;
  const answer = await answerApproval(approval, decision, by, at, 'slack', { slackUser, reason });
  if (!answer.ok) return refuse(answer.reason, answer.status, shown);
  return reply(200, answerText(answer, `${image} ${version} for ${channel}`));
}
