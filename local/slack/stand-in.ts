import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { approvalMessage, type ButtonPress, buttonPressRequest, type SignedSlackRequest } from './buttons.js';
import { BURST, type Channel, take } from './channels.js';
import { slackRefusal } from './limits.js';
import type { SlackStandInHooks, SlackStandInStats, StoredSlackMessage } from './types.js';
import { workKey } from './work-key.js';

/** An answer of the Web API: HTTP status, JSON body, extra headers (`retry-after`). */
interface SlackAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export type { SlackOutageAnswer, SlackStandInHooks, SlackStandInStats, StoredSlackMessage } from './types.js';

/**
 * A local stand-in for Slack's Web API on a loopback port: chat.postMessage and chat.update with the bot token
 * checked (`not_authed` / `invalid_auth` otherwise, HTTP 200 as Slack answers), channels by name or id, threads,
 * updates in place, Slack's limits on message text and Block Kit (limits.ts: `msg_too_long`, `invalid_blocks`),
 * and chat.postMessage's per-channel rate limit (HTTP 429 with `Retry-After`)
 * (https://api.slack.com/methods/chat.postMessage, https://api.slack.com/apis/rate-limits). It also presses buttons:
 * `pressButton` builds the signed `block_actions` request Slack would send to the app's interactivity URL.
 */
export class SlackStandIn {
  readonly stats: SlackStandInStats = { posted: 0, updated: 0, rateLimited: 0, refusedAuth: 0, failed: 0 };
  private readonly channels = new Map<string, Channel>();
  private server: Server | undefined;
  private seq = 0;
  /** The API base: `fetch` answers any URL in process; `start` puts the loopback port's here. */
  url = 'https://slack.local.goldsmith/api/';

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

  /**
   * Slack's Web API answered in process, for the Slack client's `fetch` (aws/notifications/slack.ts `configureSlack`): the same
   * requests and answers as over `start`'s loopback port (the method from the URL's path, the bot token from the
   * `authorization` header, the JSON body), without the socket and HTTP parsing on both sides.
   */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) throw new TypeError('the Slack stand-in reads a URL and its init, not a Request');
    const body = init?.body ?? '';
    if (typeof body !== 'string') throw new TypeError('the Slack stand-in reads a string body');
    const path = (typeof input === 'string' ? new URL(input) : input).pathname;
    const auth = new Headers(init?.headers).get('authorization') ?? undefined;
    const out = this.answer(path, auth, body);
    return new Response(JSON.stringify(out.body), {
      status: out.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...out.headers },
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const out = this.answer(req.url ?? '', req.headers.authorization, Buffer.concat(chunks).toString('utf8'));
    res.writeHead(out.status, { 'content-type': 'application/json; charset=utf-8', ...out.headers });
    res.end(JSON.stringify(out.body));
  }

  /** One request to the Web API: `path` as `/api/chat.postMessage`, the `authorization` header, the raw body. */
  private answer(path: string, auth: string | undefined, text: string): SlackAnswer {
    const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => ({
      status,
      body,
      headers,
    });
    const hooks = this.options.hooks;
    const down = hooks?.outage?.();
    if (down) {
      hooks?.onRefused?.(workKey(path, text));
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
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return answer(200, { ok: false, error: 'invalid_json' });
    }
    const method = path.replace(/^\/api\//, '');
    const channel = this.channels.get(String(body.channel ?? '').replace(/^#/, ''));
    if (!channel) return answer(200, { ok: false, error: 'channel_not_found' });
    if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) {
      return answer(200, { ok: false, error: 'no_text' });
    }
    // Slack's documented limits on text and Block Kit (limits.ts): refused whole, as Slack refuses them.
    const refused = slackRefusal(body);
    if (refused) {
      const metadata = refused.messages.length > 0 ? { response_metadata: { messages: refused.messages } } : {};
      return answer(200, { ok: false, error: refused.error, ...metadata });
    }
    switch (method) {
      case 'chat.postMessage': {
        if (!take(channel, this.options.now())) {
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
        hooks?.onAccepted?.(workKey(path, text));
        return answer(200, { ok: true, channel: channel.id, ts: message.ts, message: { text: message.text } });
      }
      case 'chat.update': {
        const message = channel.messages.find((m) => m.ts === body.ts);
        if (!message) return answer(200, { ok: false, error: 'message_not_found' });
        message.history.push(message.text);
        message.text = String(body.text ?? message.text);
        if (Array.isArray(body.blocks)) message.blocks = body.blocks;
        this.stats.updated++;
        hooks?.onAccepted?.(workKey(path, text));
        return answer(200, { ok: true, channel: channel.id, ts: message.ts, text: message.text });
      }
      default:
        return answer(404, { ok: false, error: 'unknown_method' });
    }
  }

  private nextTs(): string {
    this.seq++;
    return `${Math.floor(this.options.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  /** The message carrying the buttons of approval `approvalId`, while they are still there. */
  approvalMessage(approvalId: string): StoredSlackMessage | undefined {
    return approvalMessage(this.messages(), approvalId);
  }

  /**
   * Builds the signed `block_actions` request Slack sends when `userId` presses Approve or Reject on an approval
   * message (`buttonPressRequest` in buttons.ts).
   * @returns undefined when the message has no such button (never posted, or already updated without buttons).
   */
  pressButton(input: ButtonPress): SignedSlackRequest | undefined {
    return buttonPressRequest(this.approvalMessage(input.approvalId), input, {
      url: this.url,
      signingSecret: this.options.signingSecret,
      now: () => this.options.now(),
      nextTs: () => this.nextTs(),
    });
  }
}
