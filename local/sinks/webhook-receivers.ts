import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhook,
  type WebhookBody,
} from '../../core/notifications/webhook.js';
import {
  emptyStats,
  type HttpStandInHooks,
  type HttpStandInStats,
  outageAnswer,
  requestOf,
  responseOf,
  type StandInAnswer,
} from './http-stand-in.js';

/** A delivery as a receiver kept it: the raw body and headers exactly as sent (a verification check reruns on them). */
export interface ReceivedWebhook {
  at: string;
  id: string;
  event: string;
  delivery: string;
  timestamp: string;
  signature: string;
  body: string;
}

/** One endpoint of `notifications.webhooks`: its URL, the key its secret holds, and what it received. */
export interface WebhookReceiver {
  name: string;
  url: string;
  secret: string;
  received: ReceivedWebhook[];
  stats: HttpStandInStats;
}

/**
 * The local stand-in of every signed webhook's receiver: each checks a request as docs/notifications-sinks.md tells
 * a receiver to (the HMAC-SHA256 signature over `v1:<timestamp>:<delivery>:<its name>:<body>`, the timestamp within five minutes of its clock),
 * refusing a bad one with 401, and answers 204; a `webhooks` outage window answers its 5xx or 429 instead.
 */
export class WebhookReceivers {
  readonly receivers: WebhookReceiver[];

  constructor(
    endpoints: readonly { name: string; url: string; secret: string }[],
    private readonly options: { now: () => number; hooks?: HttpStandInHooks },
  ) {
    this.receivers = endpoints.map((e) => ({ ...e, received: [], stats: emptyStats() }));
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = requestOf(input, init, 'webhook');
    const receiver = this.receivers.find((r) => r.url === request.url);
    if (!receiver) return responseOf({ status: 404, text: 'no such endpoint' });
    return responseOf(this.answer(receiver, request.headers, request.body));
  };

  /** The receiver named `name`. */
  receiver(name: string): WebhookReceiver {
    const found = this.receivers.find((r) => r.name === name);
    if (!found) throw new Error(`no webhook receiver ${name}`);
    return found;
  }

  private answer(r: WebhookReceiver, headers: Headers, body: string): StandInAnswer {
    const id = `${r.name}:${announcementIdOf(body) ?? '?'}`;
    const down = outageAnswer(r.stats, this.options.hooks);
    if (down) {
      this.options.hooks?.onRefused?.(id);
      return down;
    }
    const now = this.options.now();
    const signature = headers.get(SIGNATURE_HEADER) ?? undefined;
    const timestamp = headers.get(TIMESTAMP_HEADER) ?? undefined;
    const delivery = headers.get(DELIVERY_HEADER) ?? '';
    if (!verifyWebhook(r.secret, r.name, { signature, timestamp, delivery }, body, Math.floor(now / 1000))) {
      r.stats.refused++;
      return { status: 401, text: 'bad signature or stale timestamp' };
    }
    const parsed = JSON.parse(body) as WebhookBody;
    if (r.received.some((w) => w.delivery === delivery)) r.stats.repeated++;
    r.stats.accepted++;
    r.received.push({
      at: new Date(now).toISOString(),
      id: parsed.announcement.id,
      event: parsed.announcement.event,
      delivery,
      timestamp: timestamp ?? '',
      signature: signature ?? '',
      body,
    });
    this.options.hooks?.onAccepted?.(id);
    return { status: 204, text: '' };
  }
}

function announcementIdOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { announcement?: { id?: unknown } }).announcement?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
