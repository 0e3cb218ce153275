import { setTimeout as sleepFor } from 'node:timers/promises';
import { GoldsmithError } from '../../core/errors.js';

/**
 * The HTTPS edge of the chat sinks that are a plain webhook (Teams, the signed webhooks): one JSON POST, 429s waited
 * out for their Retry-After, 5xx and unanswered requests retried after a short backoff, within a budget; a longer
 * wait is the caller's to leave to a later run (functions/sinks/relay.ts parks the post). Every attempt has a time
 * limit (an endpoint that never answers would otherwise hold the run for minutes: Node's fetch waits up to 300 s
 * for headers: undici's `headersTimeout`, https://github.com/nodejs/undici/pull/1937), and one
 * call never takes longer than `SINK_CALL_LIMIT_MS` in all. A redirect is never followed (it would re-send the signed
 * body wherever the receiver points): a 3xx is a refusal like any other.
 */

/** How long one attempt waits for an answer, by default. */
export const SINK_ATTEMPT_TIMEOUT_MS = 5_000;
/** The longest one `postJson` call takes in all (attempts and waits): functions/sinks/handler.ts starts no post later. */
export const SINK_CALL_LIMIT_MS = 15_000;

/**
 * A POST the endpoint refused (or never answered): `status` is its HTTP status (a 3xx: a redirect, not followed),
 * `network` when nothing came back in time.
 */
export class SinkHttpError extends GoldsmithError {
  constructor(
    readonly sink: string,
    readonly status: number | 'network',
    /** For a 429 (or a 503 that says so): the seconds the endpoint's `Retry-After` asked for. */
    readonly retryAfterSeconds?: number,
  ) {
    super(
      `${sink}: ${status === 'network' ? 'no answer' : `HTTP ${status}`}${redirect(status) ? ' (a redirect: not followed)' : ''}${retryAfterSeconds === undefined ? '' : ` (retry after ${retryAfterSeconds} s)`}`,
    );
    this.name = 'SinkHttpError';
  }

  /**
   * A refusal no later attempt would change: the request itself is wrong (400, 413 too large, 422). A 401, 403 or
   * 404 is not among them: the operator fixes the secret or the endpoint, and the post that waited then goes.
   */
  get permanent(): boolean {
    return this.status === 400 || this.status === 413 || this.status === 422;
  }
}

const redirect = (status: number | 'network') => status !== 'network' && status >= 300 && status < 400;

/** How a sink's HTTP client is built: how to wait, how many attempts, how to send (the local cloud's stand-in). */
export interface SinkHttpSettings {
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  /** The longest one call waits in all (Retry-After and backoff); a longer wait is left to a later attempt. */
  maxWaitMs?: number;
  /** How long one attempt waits for an answer (default `SINK_ATTEMPT_TIMEOUT_MS`). */
  attemptTimeoutMs?: number;
  /** The longest one call takes in all (default `SINK_CALL_LIMIT_MS`). */
  callLimitMs?: number;
  /** Sends one HTTP request (default: the global `fetch`); the local cloud answers from its stand-in in process. */
  fetch?: (url: URL, init: RequestInit) => Promise<Response>;
}

const settingsBySink = new Map<string, SinkHttpSettings>();

/** Replaces client `client`'s settings (`{}` forgets them): `teams`, `webhooks`. */
export function configureSinkHttp(client: string, next: SinkHttpSettings): void {
  settingsBySink.set(client, next);
}

/**
 * The longest wait a `Retry-After` may ask for: an hour. The header is whoever answers on the path to the endpoint's
 * (a proxy, an attacker on the network path, a misconfigured receiver), and a post parked for as long as it asks
 * holds up every post behind it in the sink's backlog; past an hour the post is tried again anyway (by the next
 * announcement or the three-hourly schedule), and refused again it waits again.
 */
export const MAX_RETRY_AFTER_SECONDS = 3600;

/**
 * Seconds a `Retry-After` header asks for, at most `MAX_RETRY_AFTER_SECONDS`; undefined when absent or unreadable.
 * RFC 9110 §10.2.3: `Retry-After = HTTP-date / delay-seconds`, delay-seconds being `1*DIGIT` (whole seconds) and
 * HTTP-date the IMF-fixdate (or an obsolete form a recipient must accept: §5.6.7), a date in the past meaning now
 * (https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3).
 */
export function retryAfterOf(response: Response, now = Date.now()): number | undefined {
  const header = response.headers.get('retry-after')?.trim();
  if (header === undefined || header === '') return undefined;
  const capped = (seconds: number) => Math.min(MAX_RETRY_AFTER_SECONDS, seconds);
  if (/^\d+$/.test(header)) return capped(Number(header));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : capped(Math.max(0, Math.ceil((at - now) / 1000)));
}

async function exchange(
  sink: string,
  send: (url: URL, init: RequestInit) => Promise<Response>,
  url: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<number | SinkHttpError> {
  const signal = AbortSignal.timeout(timeoutMs);
  // Also for a `send` that ignores the signal: the attempt ends when its time is up.
  const timedOut = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );
  timedOut.catch(() => undefined);
  let response: Response;
  try {
    response = await Promise.race([
      send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body,
        // A 3xx comes back as it is, never followed (https://developer.mozilla.org/docs/Web/API/Request/redirect).
        redirect: 'manual',
        signal,
      }),
      timedOut,
    ]);
  } catch {
    return new SinkHttpError(sink, 'network');
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return response.status;
  const asked = response.status === 429 ? (retryAfterOf(response) ?? 1) : retryAfterOf(response);
  return new SinkHttpError(sink, response.status, asked);
}

const transient = (e: SinkHttpError) =>
  e.status === 'network' || e.status === 429 || e.status === 408 || e.status >= 500;

/**
 * POSTs `body` to `url` as JSON. `headers` is asked again for every attempt (a signature over a fresh timestamp).
 * Retries 429 after its Retry-After, 408/5xx and no answer after 0.5, 1, 2 s, up to `maxAttempts` (default 4) and
 * never waiting more than `maxWaitMs` (default 10 s) in all; each attempt is abandoned after `attemptTimeoutMs`, and no
 * attempt starts, nor lasts, past `callLimitMs` from the call's start.
 * @returns the HTTP status of the answer that accepted it.
 * @throws SinkHttpError when the endpoint refuses, or a wait would exceed the budget.
 */
export async function postJson(
  /** The client whose settings apply (`configureSinkHttp`), and how errors name the endpoint. */
  who: { client: string; label: string },
  url: URL,
  body: string,
  headers: () => Record<string, string> = () => ({}),
): Promise<number> {
  const settings = settingsBySink.get(who.client) ?? {};
  const sleep = settings.sleep ?? ((ms: number) => sleepFor(ms).then(() => undefined));
  const maxAttempts = settings.maxAttempts ?? 4;
  let budget = settings.maxWaitMs ?? 10_000;
  const send = settings.fetch ?? fetch;
  const attemptTimeout = settings.attemptTimeoutMs ?? SINK_ATTEMPT_TIMEOUT_MS;
  const ends = Date.now() + (settings.callLimitMs ?? SINK_CALL_LIMIT_MS);
  for (let attempt = 1; ; attempt++) {
    const left = Math.max(1, ends - Date.now());
    const out = await exchange(who.label, send, url, body, headers(), Math.min(attemptTimeout, left));
    if (!(out instanceof SinkHttpError)) return out;
    const wait = out.retryAfterSeconds !== undefined ? out.retryAfterSeconds * 1000 : 2 ** attempt * 250;
    const outOfTime = Date.now() + wait >= ends;
    if (!transient(out) || attempt >= maxAttempts || wait > budget || outOfTime) throw out;
    budget -= wait;
    await sleep(wait);
  }
}
