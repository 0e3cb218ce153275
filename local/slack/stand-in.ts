import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackSignature } from '../../core/promotion/slack-request.js';

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

interface Channel {
  id: string;
  name: string;
  messages: StoredSlackMessage[];
  /** chat.postMessage's per-channel bucket: about one message per second, with short bursts. */
  tokens: number;
  refilledAt: number;
}

const BURST = 20;
const PER_SECOND = 1;

/**
 * One piece of work a request carries: the announcement a post carries (its first block's id), the message an update
 * edits, else the message's content (its thread aside: a late post may start one).
 */
function workKey(url: string | undefined, chunks: Buffer[]): string {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    // not JSON: the key is the method alone
  }
  if (url?.endsWith('chat.update')) return `update ${String(body.ts)}`;
  const first = Array.isArray(body.blocks) ? (body.blocks[0] as { block_id?: unknown } | undefined) : undefined;
  if (typeof first?.block_id === 'string') return first.block_id;
  return createHash('sha256')
    .update(JSON.stringify([body.text, body.blocks]))
    .digest('hex')
    .slice(0, 24);
}

/**
 * A local stand-in for Slack's Web API on a loopback port: chat.postMessage and chat.update with the bot token
 * checked (`not_authed` / `invalid_auth` otherwise, HTTP 200 as Slack answers), channels by name or id, threads,
 * updates in place, and chat.postMessage's per-channel rate limit (HTTP 429 with `Retry-After`)
 * (https://api.slack.com/methods/chat.postMessage, https://api.slack.com/apis/rate-limits). It also presses buttons:
 * `pressButton` builds the signed `block_actions` request Slack would send to the app's interactivity URL.
 */
export class SlackStandIn {
  readonly stats: SlackStandInStats = { posted: 0, updated: 0, rateLimited: 0, refusedAuth: 0, failed: 0 };
  private readonly channels = new Map<string, Channel>();
  private server: Server | undefined;
  private seq = 0;
  url = '';

  constructor(
    private readonly options: {
      botToken: string;
      signingSecret: string;
      now: () => number;
      channels: string[];
      hooks?: SlackStandInHooks;
    },
  ) {
    options.channels.forEach((name, i) => {
      const bare = name.replace(/^#/, '');
      const channel: Channel = {
        id: `C${String(i + 1).padStart(8, '0')}`,
        name: bare,
        messages: [],
        tokens: BURST,
        refilledAt: options.now(),
      };
      this.channels.set(bare, channel);
      this.channels.set(channel.id, channel);
    });
  }

  /** Starts listening on 127.0.0.1 (a free port); `url` is then the API base, e.g. `http://127.0.0.1:5123/api/`. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/api/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Every message, in posting order, across channels. */
  messages(): StoredSlackMessage[] {
    const unique = new Set([...this.channels.values()]);
    return [...unique].flatMap((c) => c.messages).sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  /** Threads: roots that received at least one reply. */
  threadCount(): number {
    return new Set(this.messages().flatMap((m) => (m.threadTs ? [m.threadTs] : []))).size;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    const hooks = this.options.hooks;
    const down = hooks?.outage?.();
    if (down) {
      hooks?.onRefused?.(workKey(req.url, chunks));
      if (down.status === 429) {
        this.stats.rateLimited++;
        return answer(
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(down.retryAfterSeconds ?? 60) },
        );
      }
      this.stats.failed++;
      return answer(down.status, { ok: false, error: 'service_unavailable' });
    }
    const auth = req.headers.authorization;
    if (!auth) {
      this.stats.refusedAuth++;
      return answer(200, { ok: false, error: 'not_authed' });
    }
    if (auth !== `Bearer ${this.options.botToken}`) {
      this.stats.refusedAuth++;
      return answer(200, { ok: false, error: 'invalid_auth' });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return answer(200, { ok: false, error: 'invalid_json' });
    }
    const method = (req.url ?? '').replace(/^\/api\//, '');
    const channel = this.channels.get(String(body.channel ?? '').replace(/^#/, ''));
    if (!channel) return answer(200, { ok: false, error: 'channel_not_found' });
    if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) {
      return answer(200, { ok: false, error: 'no_text' });
    }
    switch (method) {
      case 'chat.postMessage': {
        if (!this.take(channel)) {
          this.stats.rateLimited++;
          return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
        }
        const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
        if (threadTs && !channel.messages.some((m) => m.ts === threadTs && !m.threadTs)) {
          return answer(200, { ok: false, error: 'thread_not_found' });
        }
        const message: StoredSlackMessage = {
          channel: channel.id,
          ts: this.nextTs(),
          threadTs,
          text: String(body.text ?? ''),
          blocks: Array.isArray(body.blocks) ? body.blocks : [],
          history: [],
          postedAt: new Date(this.options.now()).toISOString(),
          broadcast: body.reply_broadcast === true,
        };
        channel.messages.push(message);
        this.stats.posted++;
        hooks?.onAccepted?.(workKey(req.url, chunks));
        return answer(200, { ok: true, channel: channel.id, ts: message.ts, message: { text: message.text } });
      }
      case 'chat.update': {
        const message = channel.messages.find((m) => m.ts === body.ts);
        if (!message) return answer(200, { ok: false, error: 'message_not_found' });
        message.history.push(message.text);
        message.text = String(body.text ?? message.text);
        if (Array.isArray(body.blocks)) message.blocks = body.blocks;
        this.stats.updated++;
        hooks?.onAccepted?.(workKey(req.url, chunks));
        return answer(200, { ok: true, channel: channel.id, ts: message.ts, text: message.text });
      }
      default:
        return answer(404, { ok: false, error: 'unknown_method' });
    }
  }

  private take(channel: Channel): boolean {
    const now = this.options.now();
    channel.tokens = Math.min(BURST, channel.tokens + ((now - channel.refilledAt) / 1000) * PER_SECOND);
    channel.refilledAt = now;
    if (channel.tokens < 1) return false;
    channel.tokens -= 1;
    return true;
  }

  private nextTs(): string {
    this.seq++;
    return `${Math.floor(this.options.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  /** The message carrying the buttons of approval `approvalId`, while they are still there. */
  approvalMessage(approvalId: string): StoredSlackMessage | undefined {
    return this.messages().find((m) =>
      m.blocks.some(
        (b) =>
          typeof b === 'object' && b !== null && (b as { block_id?: string }).block_id === `approval:${approvalId}`,
      ),
    );
  }

  /**
   * Builds the request Slack sends when `userId` presses Approve or Reject on an approval message: a form-encoded
   * `block_actions` payload, timestamped now and signed with the signing secret (or a wrong one when `tamper`).
   * @returns undefined when the message has no such button (never posted, or already updated without buttons).
   */
  pressButton(input: {
    approvalId: string;
    action: 'approve' | 'reject';
    userId: string;
    tamper?: boolean | undefined;
  }): { body: string; headers: Record<string, string> } | undefined {
    const message = this.approvalMessage(input.approvalId);
    const actions = message?.blocks.find(
      (b): b is { elements: { action_id: string; value: string }[] } =>
        typeof b === 'object' && b !== null && (b as { block_id?: string }).block_id === `approval:${input.approvalId}`,
    );
    const button = actions?.elements.find((e) => e.action_id === `goldsmith_${input.action}`);
    if (!message || !button) return undefined;
    const payload = {
      type: 'block_actions',
      user: { id: input.userId, username: input.userId.toLowerCase(), team_id: 'T00000001' },
      api_app_id: 'A00000001',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      channel: { id: message.channel },
      actions: [{ type: 'button', action_id: button.action_id, value: button.value, action_ts: `${this.nextTs()}` }],
      response_url: `${this.url}response/${message.ts}`,
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = String(Math.floor(this.options.now() / 1000));
    const secret = input.tamper ? `${this.options.signingSecret}-tampered` : this.options.signingSecret;
    return {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': slackSignature(secret, timestamp, body),
      },
    };
  }
}
