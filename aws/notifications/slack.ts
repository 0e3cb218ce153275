import { setTimeout as sleepFor } from 'node:timers/promises';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GoldsmithError } from '../../core/errors.js';
import { secretsmanagerClient } from '../clients/secretsmanager.js';
import { MAX_RETRY_AFTER_SECONDS } from './http-post.js';

/**
 * Slack's Web API, the other edge Goldsmith talks to: chat.postMessage and chat.update with the bot token, which
 * comes from Secrets Manager (never a plain environment variable).
 */

/** A Slack Web API answer that says `ok: false` (or an HTTP failure): `error` is Slack's code, e.g. `invalid_auth`. */
export class SlackApiError extends GoldsmithError {
  constructor(
    readonly method: string,
    readonly error: string,
    /** For `ratelimited`: the seconds Slack's `Retry-After` asked for, to wait before the next attempt. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`Slack ${method}: ${error}${retryAfterSeconds === undefined ? '' : ` (retry after ${retryAfterSeconds} s)`}`);
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
  /** The longest one call waits in all (Retry-After and backoff); a longer wait is left to a later attempt. */
  maxWaitMs?: number;
  /** Sends one HTTP request (default: the global `fetch`); the local cloud answers from its Slack stand-in in process. */
  fetch?: (url: URL, init: RequestInit) => Promise<Response>;
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

/** Slack errors worth another attempt (https://api.slack.com/methods/chat.postMessage#errors), and no answer at all. */
const TRANSIENT = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'network_error',
]);

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
 * Seconds a `Retry-After` header asks for (Slack sends whole seconds), at most an hour as for every sink
 * (aws/notifications/http-post.ts `MAX_RETRY_AFTER_SECONDS`); 1 when absent or unreadable.
 */
function retryAfterOf(response: Response): number {
  const seconds = Number(response.headers.get('retry-after') ?? '1');
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(MAX_RETRY_AFTER_SECONDS, seconds) : 1;
}

/** One HTTP exchange: Slack's JSON, or the error it amounts to (429 with its Retry-After, 5xx, no answer). */
async function exchange(
  send: (url: URL, init: RequestInit) => Promise<Response>,
  method: string,
  url: URL,
  token: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown> | SlackApiError> {
  let response: Response;
  try {
    response = await send(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    });
  } catch {
    return new SlackApiError(method, 'network_error');
  }
  if (response.status === 429) {
    await response.body?.cancel();
    return new SlackApiError(method, 'ratelimited', retryAfterOf(response));
  }
  if (!response.ok) {
    await response.body?.cancel();
    return new SlackApiError(method, response.status >= 500 ? 'service_unavailable' : `http_${response.status}`);
  }
  const json = (await response.json()) as Record<string, unknown>;
  if (json.ok === true) return json;
  return new SlackApiError(method, typeof json.error === 'string' ? json.error : 'unknown_error');
}

/**
 * Calls a Slack Web API method with a JSON body. HTTP 429 is waited out for `Retry-After` seconds and retried
 * (https://api.slack.com/apis/rate-limits), Slack's transient errors and unanswered requests after a short backoff,
 * up to `maxAttempts` (default 4) and never waiting more than `maxWaitMs` (default 10 s) in all: a longer wait is
 * thrown to the caller, which parks the message for later rather than hold a Lambda (or a promotion) for it.
 * @throws SlackApiError with Slack's error code when Slack says no (`retryAfterSeconds` set for a 429).
 */
export async function callSlack(method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { botToken } = await slackCredentials();
  const base = settings.baseUrl ?? process.env.SLACK_API_URL ?? 'https://slack.com/api/';
  const url = new URL(method, base.endsWith('/') ? base : `${base}/`);
  const sleep = settings.sleep ?? ((ms: number) => sleepFor(ms).then(() => undefined));
  const maxAttempts = settings.maxAttempts ?? 4;
  let budget = settings.maxWaitMs ?? 10_000;
  const send = settings.fetch ?? fetch;
  for (let attempt = 1; ; attempt++) {
    const out = await exchange(send, method, url, botToken, body);
    if (!(out instanceof SlackApiError)) return out;
    if (out.error === 'ratelimited') slackStats.rateLimited++;
    const wait = out.retryAfterSeconds !== undefined ? out.retryAfterSeconds * 1000 : 2 ** attempt * 250;
    if (!isTransientSlackError(out) || attempt >= maxAttempts || wait > budget) throw out;
    budget -= wait;
    await sleep(wait);
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
