import { TEAMS_MAX_BYTES, type TeamsMessage, teamsMessageBytes } from '../../core/notifications/teams.js';
import { postJson, SinkHttpError } from './http-post.js';
import { secretField } from './sink-secrets.js';

/**
 * Microsoft Teams' edge: a card POSTed to the channel's Workflows or incoming-webhook URL, which comes from the secret
 * `TEAMS_SECRET_NAME` (`{"webhookUrl":"https://…"}`). Teams throttles a webhook that is sent more than four requests
 * in a second, answering HTTP 429 (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook):
 * the client waits out its Retry-After (aws/notifications/http-post.ts), and the relay parks a post that would wait
 * longer.
 */

export const TEAMS_SHAPE = '{"webhookUrl":"https://…"}';

/** The webhook URL the secret holds. */
export async function teamsWebhookUrl(): Promise<URL> {
  const name = process.env.TEAMS_SECRET_NAME;
  if (!name) throw new Error('TEAMS_SECRET_NAME is not set');
  const url = await secretField(name, 'webhookUrl', (v) => URL.canParse(v) && v.startsWith('https://'), TEAMS_SHAPE);
  return new URL(url);
}

/**
 * What Goldsmith records of a card Teams answered 2xx: a Workflows webhook ("When a Teams webhook request is
 * received") answers 202 Accepted when it has started the flow, before the flow's *Post card* action runs; the
 * action may still fail (a card too large, a channel the flow's owner lost), and nothing tells the caller: "The
 * request has been accepted for processing, but the processing has not been completed … There is no facility in HTTP
 * for re-sending a status code from an asynchronous operation" (RFC 9110 §15.3.3,
 * https://www.rfc-editor.org/rfc/rfc9110#section-15.3.3). So the ledger never says "posted": what a confirmed post
 * takes is the flow's own (docs/notifications-sinks.md, "What Goldsmith can confirm").
 */
export const TEAMS_ACCEPTED = 'accepted by the flow (202), not confirmed posted';
/**
 * What Goldsmith records when the flow answers anything but 202: a flow that answers with a *Response* action after
 * its post (docs/notifications-sinks.md) says by its 2xx that the post succeeded.
 */
export const TEAMS_CONFIRMED = 'answered by the flow after its post';

/**
 * Posts one card. One larger than Teams takes is refused here, as Teams would refuse it (413), without a call.
 * @returns the status and what it means: accepted by the flow, not a confirmed post.
 * @throws SinkHttpError when Teams refuses it (`retryAfterSeconds` for a 429).
 */
export async function postTeamsCard(card: TeamsMessage): Promise<{ status: number; delivery: string }> {
  if (teamsMessageBytes(card) > TEAMS_MAX_BYTES) throw new SinkHttpError('Teams', 413);
  const status = await postJson({ client: 'teams', label: 'Teams' }, await teamsWebhookUrl(), JSON.stringify(card));
  return { status, delivery: status === 202 ? TEAMS_ACCEPTED : `${TEAMS_CONFIRMED} (${status})` };
}
