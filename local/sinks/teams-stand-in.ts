import { randomUUID } from 'node:crypto';
import { TEAMS_MAX_BYTES } from '../../core/notifications/teams.js';
import {
  emptyStats,
  type HttpStandInHooks,
  type HttpStandInStats,
  outageAnswer,
  requestOf,
  responseOf,
  type StandInAnswer,
} from './http-stand-in.js';

/**
 * One run of the flow a request started: Workflows answers 202 when the flow starts and its *Post card* action posts,
 * or fails, afterwards (a card too large: "Request Entity too large"; a card Teams cannot render). The caller never
 * hears of a failed run; the flow's run history (the stand-in's `runs`) shows it.
 */
export interface TeamsFlowRun {
  /** When the request started it, and when its post ended (a few seconds later). */
  at: string;
  endedAt: string;
  id: string | undefined;
  status: 'Succeeded' | 'Failed';
  error?: string;
}

/** How long a flow run takes from the trigger to its post: Workflows runs the action after answering. */
const FLOW_RUN_MS = 3_000;

/** A card as the stand-in keeps it: when, the announcement it names, its size, and the card. */
export interface StoredTeamsCard {
  at: string;
  id: string;
  bytes: number;
  title: string;
  card: unknown;
}

/**
 * The Adaptive Card schema versions the stand-in accepts. An assumption, not a documented limit: Microsoft's Teams card
 * pages (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-reference)
 * describe features up to 1.5; Goldsmith sends 1.4 (core/notifications/teams.ts), whose Action.Execute it never uses.
 */
const VERSIONS = new Set(['1.0', '1.1', '1.2', '1.3', '1.4', '1.5']);
/**
 * Teams throttles a webhook sent more than four requests in one second, "until the window refreshes"
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
 */
const PER_SECOND = 4;

/**
 * A local stand-in for a Teams channel's Workflows webhook, answering as Workflows does: its trigger takes at most four
 * requests a second (429 with Retry-After) and answers 202 Accepted for any other request to its URL, before its flow
 * posts; the post then fails or succeeds in the flow's run, where the caller never sees it (`runs`): a card over
 * 28 KB fails ("Request Entity too large"), as does anything but a `message` activity with one Adaptive Card
 * attachment of a version Teams renders. Only a run that succeeded shows a card (`cards`). Stricter than Teams in one
 * way: its flow fails a card with actions, since Goldsmith promises cards without buttons or links.
 */
export class TeamsStandIn {
  readonly stats: HttpStandInStats = emptyStats();
  readonly cards: StoredTeamsCard[] = [];
  /** The flow's run history: each request the trigger accepted, and how its post ended. */
  readonly runs: TeamsFlowRun[] = [];
  /** Request times within the last second (the rate limit's window). */
  private recent: number[] = [];
  /** The webhook URL the secret holds (`https://…/workflows/<id>/triggers/manual/paths/invoke?…`). */
  readonly url: string;

  constructor(
    private readonly options: { now: () => number; hooks?: HttpStandInHooks },
    url = `https://prod-00.westeurope.logic.azure.com/workflows/${randomUUID().replaceAll('-', '')}/triggers/manual/paths/invoke?api-version=2016-06-01&sig=local`,
  ) {
    this.url = url;
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = requestOf(input, init, 'Teams');
    return responseOf(this.answer(request.url, request.body));
  };

  /** Each card's title, in posting order. */
  titles(): string[] {
    return this.cards.map((c) => c.title);
  }

  private refuse(status: number, text: string): StandInAnswer {
    this.stats.refused++;
    return { status, text };
  }

  private answer(url: string, body: string): StandInAnswer {
    if (url !== this.url) return this.refuse(404, 'no such workflow');
    const now = this.options.now();
    this.recent = this.recent.filter((t) => t > now - 1000);
    const id = announcementIdOf(body);
    const down = outageAnswer(this.stats, this.options.hooks);
    if (down) {
      if (id) this.options.hooks?.onRefused?.(id);
      return down;
    }
    if (this.recent.length >= PER_SECOND) {
      this.stats.rateLimited++;
      return { status: 429, text: 'Too Many Requests', headers: { 'retry-after': '1' } };
    }
    this.recent.push(now);
    // Accepted: the flow runs after the answer, and its post may fail there, unseen by the caller.
    const bytes = Buffer.byteLength(body, 'utf8');
    const problem =
      bytes > TEAMS_MAX_BYTES
        ? 'Request Entity too large'
        : (cardProblem(body) ?? (id ? undefined : 'the card names no announcement'));
    const run = { at: new Date(now).toISOString(), endedAt: new Date(now + FLOW_RUN_MS).toISOString(), id };
    if (problem) {
      this.stats.refused++;
      this.runs.push({ ...run, status: 'Failed', error: problem });
      if (id) this.options.hooks?.onRefused?.(id);
      return { status: 202, text: '' };
    }
    if (this.cards.some((c) => c.id === id)) this.stats.repeated++;
    this.stats.accepted++;
    this.runs.push({ ...run, status: 'Succeeded' });
    const card = (JSON.parse(body) as { attachments: { content: { body: { text?: string }[] } }[] }).attachments[0];
    this.cards.push({ at: run.endedAt, id: id ?? '', bytes, title: card?.content.body[0]?.text ?? '', card });
    if (id) this.options.hooks?.onAccepted?.(id);
    return { status: 202, text: '' };
  }
}

/** The id of the announcement a card carries: its first block's id, `announcement:<id>`. */
function announcementIdOf(body: string): string | undefined {
  try {
    const first = (JSON.parse(body) as { attachments?: { content?: { body?: { id?: unknown }[] } }[] }).attachments?.[0]
      ?.content?.body?.[0]?.id;
    return typeof first === 'string' && first.startsWith('announcement:')
      ? first.slice('announcement:'.length)
      : undefined;
  } catch {
    return undefined;
  }
}

/** What is wrong with a posted card, as Teams (and Goldsmith's promise of no actions) would see it. */
export function cardProblem(body: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'not JSON';
  }
  const m = json as { type?: unknown; attachments?: unknown };
  if (m.type !== 'message') return 'type must be "message"';
  if (!Array.isArray(m.attachments) || m.attachments.length !== 1) return 'one attachment expected';
  const a = m.attachments[0] as { contentType?: unknown; content?: Record<string, unknown> };
  if (a.contentType !== 'application/vnd.microsoft.card.adaptive') return 'not an Adaptive Card';
  const card = a.content ?? {};
  if (card.type !== 'AdaptiveCard') return 'content.type must be "AdaptiveCard"';
  if (typeof card.version !== 'string' || !VERSIONS.has(card.version))
    return `unsupported card version ${String(card.version)}`;
  if (!Array.isArray(card.body) || card.body.length === 0) return 'the card has no body';
  if (card.actions !== undefined || JSON.stringify(card.body).includes('"Action.')) return 'the card carries actions';
  return undefined;
}
