import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  backlogWaiting,
  deliveredPost,
  parkPost,
  postponePost,
  takePost,
  type WaitingPost,
  waitingPosts,
} from '../../aws/notifications/sink-backlog.js';
import { claimPost, postRecordOf, recordPost } from '../../aws/notifications/sink-ledger.js';
import { postKeyOf } from '../../core/notifications/post-key.js';
import { metricNames } from '../../core/observability/metrics.js';
import type { Notification } from '../../events/notification.js';
import { logger, metrics } from '../lib/powertools.js';

/**
 * The one delivery path of every chat sink (Slack, Teams, each signed webhook: core/notifications/sinks.ts): an
 * announcement is claimed once (by id and content), posted, and when the sink refuses it — an outage, a 429 storm
 * whose Retry-After is longer than a call may wait, a bad credential — or when earlier posts still wait, parked in
 * the sink's backlog instead of failing; every later run delivers the backlog oldest first. Each sink brings only
 * how it vets, renders and posts (`SinkDelivery`).
 */

/** What the relay did with one announcement. */
export type SinkAction = 'posted' | 'duplicate' | 'deferred' | 'refused';

/** Where a delivery stands: a retry (`resume`) finishes what followed a recorded post without posting it twice. */
export interface DeliveryOptions<V> {
  resume: boolean;
  deferredSince?: string | undefined;
  attempts?: number | undefined;
  /** What `vet` said just before (a post that waited is vetted again: the ledger may have moved). */
  vetted: V;
}

/** How one sink takes part in the delivery path. */
export interface SinkDelivery<V> {
  /** The sink's ledger partition (aws/notifications/sink-ledger.ts): `SLACK`, `TEAMS`, `WEBHOOK#<name>`. */
  pk: string;
  /** How metrics (`<metric>PostsDeferred`, …) and logs name the sink. */
  metric: string;
  /** Checks an announcement before it is claimed: one the ledger contradicts is never posted. */
  vet(n: Notification, now: Date): Promise<{ ok: true; value: V } | { ok: false; reason: string }>;
  /** Posts `n` and records it (`postOnce` does both for a sink with nothing of its own to record). */
  deliver(n: Notification, now: Date, options: DeliveryOptions<V>): Promise<void>;
  /** The seconds a refusal asked to wait (a 429's Retry-After), if it asked. */
  retryAfterSeconds(error: unknown): number | undefined;
  /** Whether a refusal is one no later attempt changes (the request itself is wrong): then it is not parked. */
  permanent?(error: unknown): boolean;
}

/**
 * When a refused post may be tried again: after the sink's Retry-After when it sent one (a 429), else at the sink
 * function's next run (the next announcement, or its schedule): one call per run is no burden on the sink. Never
 * before `after` (the run that was refused: a drain of that same run leaves it alone).
 */
export function nextAttemptAt(now: Date, asked: number | undefined, after?: Date): Date {
  const at = now.getTime() + (asked ?? 0) * 1000;
  return new Date(after ? Math.max(at, after.getTime() + 1) : at);
}

/** The run a relay or drain belongs to: when it started, and the last moment a post may start (epoch ms). */
export interface SinkRunTimes {
  startedAt: Date;
  deadline: number;
}

const reasonOf = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Posts `n` through `send` unless a retry finds it recorded already, then records it with what `send` answered,
 * when, and — for a post that waited — since when and after how many attempts.
 */
export async function postOnce(
  pk: string,
  n: Notification,
  now: Date,
  options: Omit<DeliveryOptions<unknown>, 'vetted'>,
  send: () => Promise<Record<string, unknown>>,
): Promise<boolean> {
  const key = postKeyOf(n);
  if (options.resume && (await postRecordOf(pk, key))) return false;
  const answered = await send();
  await recordPost(pk, key, {
    ...answered,
    event: n.event,
    at: now.toISOString(),
    ...(options.deferredSince ? { deferredSince: options.deferredSince } : {}),
    ...(options.attempts ? { attempts: options.attempts } : {}),
  });
  return true;
}

/** Notes an announcement the ledger contradicts: never posted (metric `<metric>PostsRefused`). */
function refused<V>(sink: SinkDelivery<V>, n: Notification, reason: string): void {
  metrics.addMetric(`${sink.metric}PostsRefused`, MetricUnit.Count, 1);
  logger.error(`announcement not posted to ${sink.metric}: the ledger contradicts it`, {
    id: n.id,
    event: n.event,
    reason,
  });
}

/**
 * Records a post the sink refused for good (`permanent`): never tried again, so it cannot hold up the posts behind it
 * (metric `<metric>PostsRejected`, and an error in the log naming the announcement).
 */
async function rejected<V>(sink: SinkDelivery<V>, n: Notification, now: Date, error: unknown): Promise<void> {
  await recordPost(sink.pk, postKeyOf(n), { event: n.event, at: now.toISOString(), rejected: reasonOf(error) });
  metrics.addMetric(`${sink.metric}PostsRejected`, MetricUnit.Count, 1);
  logger.error(`${sink.metric} rejected an announcement for good; it is not tried again`, {
    id: n.id,
    event: n.event,
    error,
  });
}

async function attempt<V>(sink: SinkDelivery<V>, post: WaitingPost, now: Date, run: SinkRunTimes): Promise<boolean> {
  try {
    const vetted = await sink.vet(post.notification, now);
    if (!vetted.ok) refused(sink, post.notification, vetted.reason);
    else {
      await sink.deliver(post.notification, now, {
        resume: true,
        deferredSince: post.parkedAt,
        attempts: post.attempts + 1,
        vetted: vetted.value,
      });
    }
  } catch (error) {
    if (sink.permanent?.(error)) {
      await rejected(sink, post.notification, now, error);
      await deliveredPost(sink.pk, post.sk);
      return true;
    }
    await postponePost(sink.pk, post.sk, {
      notBefore: nextAttemptAt(now, sink.retryAfterSeconds(error), run.startedAt),
      reason: reasonOf(error),
    });
    metrics.addMetric(`${sink.metric}PostsFailed`, MetricUnit.Count, 1);
    logger.warn(`${sink.metric} refused a waiting post again; it stays in the backlog`, {
      id: post.notification.id,
      attempts: post.attempts + 1,
      error,
    });
    return false;
  }
  await deliveredPost(sink.pk, post.sk);
  metrics.addMetric(`${sink.metric}PostsRedelivered`, MetricUnit.Count, 1);
  return true;
}

/**
 * Delivers what waits for the sink, oldest announcement first, until the backlog is empty, the next post is not due
 * yet (Retry-After, or refused by this very run: due only from the run's start), another delivery holds it, the sink
 * refuses again, or the run's deadline passes. Stopping at the first that cannot go keeps the channel (and each Slack
 * thread) in order.
 * @returns how many were delivered and how many still wait.
 */
export async function drainBacklog<V>(
  sink: SinkDelivery<V>,
  now: () => Date,
  run: SinkRunTimes,
): Promise<{ delivered: number; waiting: number }> {
  let delivered = 0;
  let waiting = 0;
  let blocked = false;
  /** When the oldest post still waiting after this drain was parked (epoch ms). */
  let oldest: number | undefined;
  const stillWaiting = (post: WaitingPost) => {
    waiting++;
    oldest = Math.min(oldest ?? Number.POSITIVE_INFINITY, Date.parse(post.parkedAt));
  };
  for await (const post of waitingPosts(sink.pk)) {
    const due = Date.parse(post.notBefore) <= run.startedAt.getTime();
    if (blocked || Date.now() > run.deadline || !due) {
      blocked = true;
      stillWaiting(post);
      continue;
    }
    if (!(await takePost(sink.pk, post.sk, now()))) {
      blocked = true;
      stillWaiting(post);
      continue;
    }
    if (await attempt(sink, post, now(), run)) delivered++;
    else {
      blocked = true;
      stillWaiting(post);
    }
  }
  // The backlog's age, for the sink's alarm (stacks/monitoring/alarms.ts): 0 once it is empty.
  const age = oldest === undefined ? 0 : Math.max(0, Math.round((now().getTime() - oldest) / 1000));
  const backlogAge = metrics.singleMetric();
  backlogAge.addDimensions({ sink: sink.metric });
  backlogAge.addMetric(metricNames.sinkBacklogAge, MetricUnit.Seconds, age);
  return { delivered, waiting };
}

/**
 * Relays one announcement through the sink, once (the `MSG#` claim, by id and content: core/notifications/post-key.ts),
 * never losing it: refused, queued behind earlier posts, or past the run's `deadline` for starting a post (earlier
 * endpoints took the time), it is parked (counted as `<metric>PostsDeferred`) instead of failing, so nothing depends
 * on the sink answering now: not the step that announced it (long past: SNS delivers asynchronously), not Lambda's
 * retries.
 */
export async function relay<V>(
  sink: SinkDelivery<V>,
  n: Notification,
  now: Date,
  run: SinkRunTimes = { startedAt: now, deadline: Number.POSITIVE_INFINITY },
): Promise<SinkAction> {
  // Checked before the claim, so a refused message claims nothing a real one would need.
  const vetted = await sink.vet(n, now);
  if (!vetted.ok) {
    refused(sink, n, vetted.reason);
    return 'refused';
  }
  if (!(await claimPost(sink.pk, postKeyOf(n), now))) return 'duplicate';
  let refusal: unknown = `earlier posts are still waiting for ${sink.metric}`;
  // Queued behind earlier posts, it is due at once (this run's drain may take it); tried and refused, it is not.
  let notBefore = run.startedAt;
  if (Date.now() > run.deadline) {
    refusal = `the run had no time left to post to ${sink.metric}`;
    notBefore = nextAttemptAt(now, undefined, run.startedAt);
  } else if (!(await backlogWaiting(sink.pk))) {
    try {
      await sink.deliver(n, now, { resume: false, vetted: vetted.value });
      return 'posted';
    } catch (error) {
      if (sink.permanent?.(error)) {
        await rejected(sink, n, now, error);
        return 'refused';
      }
      refusal = error;
      notBefore = nextAttemptAt(now, sink.retryAfterSeconds(error), run.startedAt);
    }
  }
  await parkPost(sink.pk, n, { now, notBefore, reason: reasonOf(refusal) });
  metrics.addMetric(`${sink.metric}PostsDeferred`, MetricUnit.Count, 1);
  logger.warn(`${sink.metric} post parked for a later attempt`, {
    id: n.id,
    event: n.event,
    reason: reasonOf(refusal),
  });
  return 'deferred';
}

/** A sink's delivery with its vetting's type put away, so one function may hold several (each webhook endpoint). */
export interface BoundSink {
  relay(n: Notification, now: Date, run: SinkRunTimes): Promise<SinkAction>;
  drain(now: () => Date, run: SinkRunTimes): Promise<{ delivered: number; waiting: number }>;
}

export function bound<V>(sink: SinkDelivery<V>): BoundSink {
  return { relay: (n, now, run) => relay(sink, n, now, run), drain: (now, run) => drainBacklog(sink, now, run) };
}
