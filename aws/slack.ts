import { setTimeout as sleepFor } from 'node:timers/promises';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GoldsmithError } from '../core/errors.js';
import { secretsmanagerClient } from './clients/secretsmanager.js';

/**
 * Slack's Web API, the other edge Goldsmith talks to: chat.postMessage and chat.update with the bot token, which
 * comes from Secrets Manager (never a plain environment variable).
 */

/** A Slack Web API answer that says `ok: false` (or an HTTP failure): `error` is Slack's code, e.g. `invalid_auth`. */
export class SlackApiError extends GoldsmithError {
  constructor(
    readonly method: string,
    readonly error: string,
  ) {
    super(`Slack ${method}: ${error}`);
    this.name = 'SlackApiError';
  }
}

/** The Slack app's credentials, as one JSON secret: `{ "botToken": "xoxb-…", "signingSecret": "…" }`. */
export interface SlackCredentials {
  botToken: string;
  signingSecret: string;
}

/** How the Slack client is built: where the API is, how to wait out a 429, how many attempts. */
export interface SlackSettings {
  baseUrl?: string;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
}

let settings: SlackSettings = {};
let provider: SecretsProvider | undefined;

/** Replaces the client settings (the local cloud points it at its Slack stand-in and its virtual clock). */
export function configureSlack(next: SlackSettings): void {
  settings = next;
  provider = undefined;
}

/**
 * The Slack credentials (env `SLACK_SECRET_NAME`), cached by Powertools for five minutes so a rotation reaches
 * warm functions soon.
 */
export async function slackCredentials(): Promise<SlackCredentials> {
  const name = process.env.SLACK_SECRET_NAME;
  if (!name) throw new Error('SLACK_SECRET_NAME is not set');
  provider ??= new SecretsProvider({ awsSdkV3Client: secretsmanagerClient() });
  const value = await provider.get(name, { maxAge: 300, transform: 'json' });
  const creds = value as Partial<SlackCredentials> | undefined;
  if (typeof creds?.botToken !== 'string' || typeof creds.signingSecret !== 'string') {
    throw new Error(`secret ${name} must be JSON with string "botToken" and "signingSecret"`);
  }
  return { botToken: creds.botToken, signingSecret: creds.signingSecret };
}

/** Slack errors worth another attempt (https://api.slack.com/methods/chat.postMessage#errors). */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function isTransientSlackError(error: unknown): boolean {
  return error instanceof SlackApiError && TRANSIENT.has(error.error);
}

/** What chat.postMessage and chat.update answer (the fields we use). */
export interface SlackMessageRef {
  channel: string;
  ts: string;
}

/** Counts of what happened at the Slack edge in this process: retries after 429s, for logs and metrics. */
export const slackStats = { rateLimited: 0 };

/**
 * Calls a Slack Web API method with a JSON body. HTTP 429 is waited out for `Retry-After` seconds and retried
 * (https://api.slack.com/apis/rate-limits), as are Slack's transient errors, up to `maxAttempts` (default 4).
 * @throws SlackApiError with Slack's error code when Slack says no.
 */
export async function callSlack(method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { botToken } = await slackCredentials();
  const base = settings.baseUrl ?? process.env.SLACK_API_URL ?? 'https://slack.com/api/';
  const sleep = settings.sleep ?? ((ms: number) => sleepFor(ms).then(() => undefined));
  const maxAttempts = settings.maxAttempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(new URL(method, base.endsWith('/') ? base : `${base}/`), {
      method: 'POST',
      headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    });
    if (response.status === 429) {
      slackStats.rateLimited++;
      await response.body?.cancel();
      if (attempt >= maxAttempts) throw new SlackApiError(method, 'ratelimited');
      const seconds = Number(response.headers.get('retry-after') ?? '1');
      await sleep((Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000);
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      const error = new SlackApiError(
        method,
        response.status >= 500 ? 'service_unavailable' : `http_${response.status}`,
      );
      if (isTransientSlackError(error) && attempt < maxAttempts) {
        await sleep(2 ** attempt * 250);
        continue;
      }
      throw error;
    }
    const json = (await response.json()) as Record<string, unknown>;
    if (json.ok === true) return json;
    const error = new SlackApiError(method, typeof json.error === 'string' ? json.error : 'unknown_error');
    if (isTransientSlackError(error) && attempt < maxAttempts) {
      await sleep(2 ** attempt * 250);
      continue;
    }
    throw error;
  }
}

function refOf(method: string, out: Record<string, unknown>): SlackMessageRef {
  if (typeof out.channel !== 'string' || typeof out.ts !== 'string') throw new SlackApiError(method, 'no_ts_returned');
  return { channel: out.channel, ts: out.ts };
}

/** chat.postMessage: a new message, or a reply in a thread when `threadTs` is given. */
export async function postSlackMessage(input: {
  channel: string;
  text: string;
  blocks: unknown[];
  threadTs?: string | undefined;
  broadcast?: boolean | undefined;
}): Promise<SlackMessageRef> {
  const out = await callSlack('chat.postMessage', {
    channel: input.channel,
    text: input.text,
    blocks: input.blocks,
    unfurl_links: false,
    ...(input.threadTs ? { thread_ts: input.threadTs, reply_broadcast: input.broadcast === true } : {}),
  });
  return refOf('chat.postMessage', out);
}

/** chat.update: replaces a message's text and blocks in place (the channel must be the id Slack returned). */
export async function updateSlackMessage(input: {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}): Promise<SlackMessageRef> {
  const out = await callSlack('chat.update', {
    channel: input.channel,
    ts: input.ts,
    text: input.text,
    blocks: input.blocks,
  });
  return refOf('chat.update', out);
}
