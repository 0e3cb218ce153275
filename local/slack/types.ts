/** The Slack stand-in's messages, counters and hooks (stand-in.ts has the stand-in itself). */

/** A message as the stand-in keeps it: what was posted, where, and every update it received. */
export interface StoredSlackMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string;
  blocks: unknown[];
  /** Texts of earlier versions, oldest first (chat.update keeps the ts and replaces the content). */
  history: string[];
  postedAt: string;
  broadcast: boolean;
}

/** What the stand-in counted, for the report. */
export interface SlackStandInStats {
  posted: number;
  updated: number;
  rateLimited: number;
  refusedAuth: number;
  /** Requests answered with a 5xx (an outage). */
  failed: number;
}

/** How the stand-in answers while Slack is down: a 5xx, or 429 with a Retry-After. */
export interface SlackOutageAnswer {
  status: number;
  retryAfterSeconds?: number | undefined;
}

/** What a refused request was about, so the simulator can tell when the same work finally went through. */
export interface SlackStandInHooks {
  /** Slack is down now: the answer to give (and the refusal is counted against the outage). */
  outage?: () => SlackOutageAnswer | undefined;
  onRefused?: (key: string) => void;
  onAccepted?: (key: string) => void;
}
