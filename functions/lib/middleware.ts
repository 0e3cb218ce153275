import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { ledgerFormatHooks } from '../../aws/ledger/ledger-format.js';
import { notificationHooks } from '../../aws/notifications/notification-hooks.js';
import { asRetryableError, isTransient } from '../../core/errors/classify.js';
import { MalformedEventError } from '../../core/errors.js';
import { metricNames } from '../../core/observability/metrics.js';
import { refusedSchema } from '../../events/schema-version.js';
import { type FailureRecorder, failedInvocationMiddleware } from './failed-invocations.js';
import { logger, metrics, tracer } from './powertools.js';

// Announcements never fail a step (aws/notifications/notifications.ts): a failed publish is counted here and queued for redelivery.
notificationHooks.onFailed = (n, error, queued) => {
  metrics.addMetric('NotificationsFailed', MetricUnit.Count, 1);
  logger.error(
    queued ? 'announcement queued for redelivery' : 'announcement lost: neither SNS nor the ledger took it',
    {
      error,
      ...(queued ? { id: n.id, event: n.event } : { notification: n }),
    },
  );
};
notificationHooks.onRedelivered = () => metrics.addMetric('NotificationsRedelivered', MetricUnit.Count, 1);
notificationHooks.onDuplicate = () => metrics.addMetric('NotificationsDeduplicated', MetricUnit.Count, 1);
// A ledger record of a newer release's format is never acted on (aws/ledger/ledger-format.ts): said here, and counted.
ledgerFormatHooks.onRefused = (record, operation) => {
  metrics.addMetric(metricNames.recordsRefused, MetricUnit.Count, 1);
  logger.error('ledger record refused: a newer release wrote it', {
    key: record.key,
    reason: record.reason,
    operation,
  });
};

/** Turns the raw Lambda input into a typed one, or throws `MalformedEventError` naming what is wrong. */
export type Parse<T> = (raw: unknown) => T;

export interface HandlerSpec<T, R> {
  /** The handler's name in logs and metrics, e.g. `start-builds`. */
  name: string;
  /** A zod schema, or a parse function such as `(raw) => parseEvent('scheduled-build', raw)` from events/. */
  parse: z.ZodType<T> | Parse<T>;
  handle: (input: T, context: Context) => Promise<R>;
  /**
   * For a handler invoked asynchronously, with an on-failure destination the re-drive reads: records each failed
   * request (pass `recordFailedInvocation` from aws/redrive/failed-invocations.ts), so only Goldsmith's own failures are
   * re-driven. Its role then needs ledger PutItem under `FAILED-INVOCATION#` (stacks/grants.ts `failureQueue`).
   */
  recordFailure?: FailureRecorder;
}

function parserOf<T>(parse: z.ZodType<T> | Parse<T>): Parse<T> {
  if (typeof parse === 'function') return parse;
  return (raw) => {
    const result = parse.safeParse(raw);
    if (result.success) return result.data;
    const reason = result.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
    throw new MalformedEventError(reason);
  };
}

/**
 * Parses the event in place before the handler sees it. A malformed event is logged, counted and rethrown as
 * `MalformedEventError`: the invocation fails, so Lambda's retries and then the dead-letter queue get it, and
 * nothing is acted on.
 */
function parseEventMiddleware<T>(name: string, parse: Parse<T>): MiddlewareObj {
  return {
    name: 'goldsmith-parse',
    before: (request) => {
      try {
        // A shape a later release sent (events/schema-version.ts) is refused before it is read, with that reason.
        const newer = refusedSchema(request.event);
        if (newer) throw new MalformedEventError(newer);
        request.event = parse(request.event);
      } catch (error) {
        const malformed =
          error instanceof MalformedEventError
            ? error
            : new MalformedEventError(error instanceof Error ? error.message : String(error), { cause: error });
        logger.error('malformed event rejected', { handler: name, reason: malformed.reason });
        metrics.addMetric('MalformedEvents', MetricUnit.Count, 1);
        throw malformed;
      }
    },
  };
}

/**
 * Counts every invocation's outcome: `EventsHandled` when the body returned, `EventsFailed` when anything threw (a
 * malformed event also counts `MalformedEvents`). Every flush therefore holds an application metric, so Powertools
 * never logs "No application metrics to publish". The handler's name rides along as EMF metadata, searchable in
 * Logs Insights; per-function breakdowns already exist as Lambda's own Invocations and Errors by FunctionName.
 */
function outcomeMetricsMiddleware(name: string): MiddlewareObj {
  // Metadata, not a dimension: the local cloud runs several handlers at once on the one shared Metrics instance,
  // where per-invocation dimensions collide (Powertools warns and overwrites); metadata is simply replaced.
  const tag = () => metrics.addMetadata('handler', name);
  return {
    name: 'goldsmith-outcome-metrics',
    after: () => {
      tag();
      metrics.addMetric('EventsHandled', MetricUnit.Count, 1);
    },
    onError: () => {
      tag();
      metrics.addMetric('EventsFailed', MetricUnit.Count, 1);
    },
  };
}

/**
 * Names a transient failure so its caller waits it out: Step Functions' Retry lists match error names exactly, so an
 * AWS error whose name is not in core's table but whose status says 5xx/429 is re-thrown as `Goldsmith.Transient`
 * (cause kept). Counted as `TransientErrors`; permanent errors pass through unchanged.
 */
function transientErrorMiddleware(name: string): MiddlewareObj {
  return {
    name: 'goldsmith-transient-errors',
    onError: (request) => {
      if (!request.error || !isTransient(request.error)) return;
      metrics.addMetric('TransientErrors', MetricUnit.Count, 1);
      logger.warn('transient error: the caller retries', { handler: name, error: request.error.name });
      request.error = asRetryableError(request.error) as Error;
    },
  };
}

/**
 * The one middy chain every Goldsmith handler uses: Powertools metrics (cold start, then one outcome count per
 * invocation), logger context and tracer, then the parse step. The body receives the parsed input and reads like a
 * sentence: decide, act.
 */
export function handlerFor<T, R>(spec: HandlerSpec<T, R>): (event: unknown, context: Context) => Promise<R> {
  // The parse middleware replaced the raw event with a T before the body runs.
  const body = (event: unknown, context: Context): Promise<R> => spec.handle(event as T, context);
  const chain = middy(body)
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    // After logMetrics in the chain, so its after/onError run first and the count is in logMetrics' flush.
    .use(outcomeMetricsMiddleware(spec.name));
  // Before the parse step, so it digests the event as Lambda delivered it (what the on-failure record carries).
  if (spec.recordFailure) chain.use(failedInvocationMiddleware(spec.name, spec.recordFailure));
  return (
    chain
      .use(parseEventMiddleware(spec.name, parserOf(spec.parse)))
      // Last in the chain, so its onError runs first and every other middleware sees the retryable name.
      .use(transientErrorMiddleware(spec.name))
  );
}
