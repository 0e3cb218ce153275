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
 * Posts one card. One larger than Teams takes is refused here, as Teams would refuse it (413), without a call.
 * @throws SinkHttpError when Teams refuses it (`retryAfterSeconds` for a 429).
 */
export async function postTeamsCard(card: TeamsMessage): Promise<{ status: number }> {
  if (teamsMessageBytes(card) > TEAMS_MAX_BYTES) throw new SinkHttpError('Teams', 413);
  const status = await postJson({ client: 'teams', label: 'Teams' }, await teamsWebhookUrl(), JSON.stringify(card));
  return { status };
}
