import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import {
  deleteDeadLetter,
  invokeAgain,
  type ReceivedDeadLetter,
  receiveDeadLetters,
  recordRedrive,
  redriveHistory,
} from '../aws/dead-letters.js';
import { parseDuration } from '../core/duration.js';
import { metricNames } from '../core/observability/metrics.js';
import { deadLetterId, decideRedrive, firstFailureOf, readDeadLetter } from '../core/redrive/dead-letters.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics } from './lib/powertools.js';

/** The schedule's fixed input (stacks/monitoring/redrive.ts). */
export const redriveInputSchema = z.strictObject({ redrive: z.literal('dead-letters') });

/** Messages one run takes from each queue at most: a flood waits for the next run instead of one long one. */
export const MAX_PER_QUEUE = 100;

/** What one run did, for logs and tests. */
export interface RedriveReport {
  /** `target: error` of each dead letter invoked again. */
  redriven: string[];
  /** Dead letters left in their queue for a person (permanent, not ours, or failing past the horizon), with why. */
  left: string[];
  /** Dead letters whose re-drive failed now (Lambda unavailable): they come back for the next run. */
  failed: string[];
}

function listFromEnv(name: string): string[] {
  return (process.env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

async function redriveOne(
  queueUrl: string,
  taken: ReceivedDeadLetter,
  context: { now: Date; horizonSeconds: number; targets: ReadonlySet<string> },
  report: RedriveReport,
): Promise<void> {
  const letter = readDeadLetter(taken.message);
  if ('unreadable' in letter) {
    report.left.push(`${queueUrl}: ${letter.unreadable}`);
    return;
  }
  const what = `${letter.target.split(':').pop()}: ${letter.error}`;
  const id = deadLetterId(letter);
  const first = firstFailureOf(await redriveHistory(id), taken.sentAt);
  const decision = decideRedrive(letter, first, context.now, context.horizonSeconds, context.targets);
  if (!decision.redrive) {
    report.left.push(`${what}: ${decision.reason}`);
    return;
  }
  try {
    await recordRedrive(id, letter, first, context.now);
    await invokeAgain(letter.target, letter.payload);
  } catch (error) {
    report.failed.push(`${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return;
  }
  // Deleted only once Lambda took the invocation; a crash in between re-drives it again (every handler is idempotent).
  await deleteDeadLetter(queueUrl, taken.receiptHandle);
  report.redriven.push(what);
}

/**
 * Re-drives Goldsmith's dead-letter queues (env `DEAD_LETTER_QUEUES`): each message's invocation is made again,
 * asynchronously, when its target is one of Goldsmith's functions (env `REDRIVE_TARGETS`), it failed transiently,
 * and the work has been failing for no longer than the catalog's retry horizon. Bounded: at most `MAX_PER_QUEUE`
 * messages a queue per run. Idempotent: the handlers are, and a message is deleted only after Lambda took it again.
 * What stays behind keeps its age in the queue, which the dead-letter alarms watch.
 */
export async function redriveDeadLetters(now = new Date()): Promise<RedriveReport> {
  const report: RedriveReport = { redriven: [], left: [], failed: [] };
  const context = {
    now,
    horizonSeconds: parseDuration(bundledCatalog().resilience.retryHorizon),
    targets: new Set(listFromEnv('REDRIVE_TARGETS')),
  };
  for (const queueUrl of listFromEnv('DEAD_LETTER_QUEUES')) {
    for (const taken of await receiveDeadLetters(queueUrl, MAX_PER_QUEUE)) {
      await redriveOne(queueUrl, taken, context, report);
    }
  }
  if (report.redriven.length > 0) {
    metrics.addMetric(metricNames.deadLettersRedriven, MetricUnit.Count, report.redriven.length);
    logger.warn('re-drove dead-lettered invocations', { redriven: report.redriven });
  }
  if (report.left.length > 0) {
    metrics.addMetric(metricNames.deadLettersLeft, MetricUnit.Count, report.left.length);
    logger.error('dead letters left for a person', { left: report.left });
  }
  if (report.failed.length > 0)
    logger.warn('re-drives that failed now; next run tries again', { failed: report.failed });
  return report;
}

export const handler = handlerFor({
  name: 'redrive-dead-letters',
  parse: redriveInputSchema,
  handle: () => redriveDeadLetters(),
});
