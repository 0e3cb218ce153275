import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { SINK_CALL_LIMIT_MS } from '../../aws/notifications/http-post.js';
import { recordFailedInvocation } from '../../aws/redrive/failed-invocations.js';
import { MalformedEventError } from '../../core/errors.js';
import { alarmAnnouncement } from '../../core/notifications/alarm.js';
import { cloudWatchAlarmMessageSchema } from '../../events/alarm-notification.js';
import { type Notification, parseNotification } from '../../events/notification.js';
import { handlerFor } from '../lib/middleware.js';
import type { BoundSink, SinkAction, SinkRunTimes } from './relay.js';

// An SNS delivery to Lambda: the announcement is each record's `Message` (the contract's `default` body), or the
// message CloudWatch publishes for one of Goldsmith's alarms (shown as an `alarm-state-changed` announcement).
const snsEventSchema = z.object({
  Records: z
    .array(z.object({ Sns: z.object({ MessageId: z.string(), Message: z.string() }) }))
    .min(1, 'an SNS delivery holds at least one record'),
});

type SinkInput = { kind: 'announcements'; announcements: Notification[] } | { kind: 'redeliver' };

function announcementsOf(event: z.infer<typeof snsEventSchema>): Notification[] {
  return event.Records.map((r, i) => {
    let json: unknown;
    try {
      json = JSON.parse(r.Sns.Message);
    } catch {
      throw new MalformedEventError(`Records[${i}].Sns.Message: not JSON`);
    }
    const parsed = parseNotification(json);
    if (parsed.ok) return parsed.notification;
    // One of Goldsmith's CloudWatch alarms, whose action publishes CloudWatch's own message to the same topic.
    const alarm = cloudWatchAlarmMessageSchema.safeParse(json);
    const shown = alarm.success ? alarmAnnouncement(alarm.data) : undefined;
    if (shown) return shown;
    throw new MalformedEventError(`Records[${i}].Sns.Message: ${parsed.reason} (nor a CloudWatch alarm's message)`);
  });
}

/** The schedule's input of a sink's function (stacks/notifications/relays.ts): deliver whatever waits for it. */
export const redeliverInputSchema = (key: string) => z.strictObject({ [key]: z.literal('redeliver') });

/**
 * The last moment a post may start: it leaves the longest post (`SINK_CALL_LIMIT_MS`) and ten seconds for the writes
 * that follow it before the invocation's timeout (stacks/notifications/relays.ts). A post due later is parked for the
 * next run, never lost.
 */
const deadlineOf = (context: Context | undefined) =>
  Date.now() + Math.max(0, (context?.getRemainingTimeInMillis?.() ?? 60_000) - SINK_CALL_LIMIT_MS - 10_000);

/** What a sink function answers: per announcement and sink what the relay did, and each backlog it drained. */
export interface SinkRun {
  actions?: SinkAction[];
  backlog?: { delivered: number; waiting: number };
}

/**
 * A chat sink's function (Slack, Teams, the signed webhooks), subscribed to the notifications topic: each announcement
 * goes through every sink `deliveries()` binds (functions/sinks/relay.ts `bound`) (one per endpoint), after whatever still waits for it; a post the
 * sink refuses waits in the ledger's backlog (functions/sinks/relay.ts) rather than fail the delivery. Its schedule's
 * input `{ "<key>": "redeliver" }`, and every later delivery, try the backlogs again, honouring Retry-After.
 */
export function sinkHandler(name: string, key: string, deliveries: () => BoundSink[]) {
  const redeliver = redeliverInputSchema(key);
  const parse = (raw: unknown): SinkInput =>
    redeliver.safeParse(raw).success
      ? { kind: 'redeliver' }
      : { kind: 'announcements', announcements: announcementsOf(snsEventSchema.parse(raw)) };
  const drainAll = async (sinks: BoundSink[], now: () => Date, run: SinkRunTimes) => {
    const total = { delivered: 0, waiting: 0 };
    for (const sink of sinks) {
      const drained = await sink.drain(now, run);
      total.delivered += drained.delivered;
      total.waiting += drained.waiting;
    }
    return total;
  };
  return handlerFor({
    name,
    recordFailure: recordFailedInvocation,
    parse,
    handle: async (input: SinkInput, context: Context): Promise<SinkRun> => {
      const sinks = deliveries();
      const now = () => new Date();
      const run: SinkRunTimes = { startedAt: now(), deadline: deadlineOf(context) };
      if (input.kind === 'redeliver') return { backlog: await drainAll(sinks, now, run) };
      const actions: SinkAction[] = [];
      for (const n of input.announcements) for (const sink of sinks) actions.push(await sink.relay(n, now(), run));
      // What waits goes now, oldest first, but for what this run was refused: that waits for the next run.
      const backlog = actions.includes('deferred') ? await drainAll(sinks, now, run) : undefined;
      return { actions, ...(backlog ? { backlog } : {}) };
    },
  });
}
