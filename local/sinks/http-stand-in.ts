import type { SlackOutageAnswer, SlackStandInHooks } from '../slack/types.js';

/**
 * What the local cloud's stand-ins of webhook-style sinks (Teams, the signed webhooks) share: answering a `fetch` in
 * process, an outage window's answer, and the counts the report reads.
 */

/** How a stand-in answers while its service is down, and the simulator's hooks: as Slack's stand-in takes them. */
export type OutageAnswer = SlackOutageAnswer;
export type HttpStandInHooks = SlackStandInHooks;

/** What a stand-in counted. */
export interface HttpStandInStats {
  /** Requests accepted (a repeat of a post already accepted among them: `repeated`). */
  accepted: number;
  repeated: number;
  /** Answered 429 (a rate limit or a 429 outage). */
  rateLimited: number;
  /** Answered 5xx (an outage). */
  failed: number;
  /** Refused as malformed, too large, or badly signed (4xx other than 429): a bug on Goldsmith's side. */
  refused: number;
}

export const emptyStats = (): HttpStandInStats => ({ accepted: 0, repeated: 0, rateLimited: 0, failed: 0, refused: 0 });

/** One request as a stand-in reads it. */
export interface StandInRequest {
  url: string;
  headers: Headers;
  body: string;
}

/** An answer: status, text, headers. */
export interface StandInAnswer {
  status: number;
  text: string;
  headers?: Record<string, string>;
}

/** Reads a `fetch` call the way the stand-ins take them (a URL, a string body), refusing anything else. */
export function requestOf(input: string | URL | Request, init: RequestInit | undefined, who: string): StandInRequest {
  if (input instanceof Request) throw new TypeError(`the ${who} stand-in reads a URL and its init, not a Request`);
  const body = init?.body ?? '';
  if (typeof body !== 'string') throw new TypeError(`the ${who} stand-in reads a string body`);
  return { url: String(input), headers: new Headers(init?.headers), body };
}

export const responseOf = (a: StandInAnswer) =>
  new Response(a.status === 204 ? null : a.text, {
    status: a.status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...a.headers },
  });

/** The answer of an outage window now, counted; undefined while the service is up. */
export function outageAnswer(stats: HttpStandInStats, hooks: HttpStandInHooks | undefined): StandInAnswer | undefined {
  const down = hooks?.outage?.();
  if (!down) return undefined;
  if (down.status === 429) {
    stats.rateLimited++;
    return { status: 429, text: 'Too Many Requests', headers: { 'retry-after': String(down.retryAfterSeconds ?? 60) } };
  }
  stats.failed++;
  return { status: down.status, text: 'Service Unavailable' };
}
