import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import {
  deleteDeadLetter,
  invokeAgain,
  markRedriveTaken,
  type ReceivedDeadLetter,
  receiveDeadLetters,
  recordRedrive,
  redriveHistory,
} from '../aws/redrive/dead-letters.js';
import { scheduleFollowUpLook } from '../aws/redrive/redrive-follow-up.js';
import { parseDuration } from '../core/duration.js';
import { metricNames } from '../core/observability/metrics.js';
import {
  deadLetterId,
  decideRedrive,
  firstFailureOf,
  readDeadLetter,
  unqualified,
} from '../core/redrive/dead-letters.js';
import { queueOfAlarm, queueUrlNamed, type RedriveScope, tooSoonToRedrive } from '../core/redrive/looks.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics } from './lib/powertools.js';
import { consumeRecord, describe, leave, recordedRequestOf } from './redrive/recorded.js';

/** The daily full pass's fixed input (stacks/monitoring/redrive.ts). */
const fullPassSchema = z.strictObject({ redrive: z.literal('dead-letters') });

/** A follow-up look at one queue, asked for by an earlier look (aws/redrive/redrive-follow-up.ts). */
const followUpSchema = z.strictObject({ redrive: z.literal('queue'), queue: z.string().min(1) });

/**
 * A queue's depth alarm entering ALARM, as CloudWatch sends it to the default bus
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html): the queue is
 * its metric's `QueueName` dimension.
 */
const alarmEventSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.object({
    alarmName: z.string(),
    state: z.object({ value: z.string() }),
    configuration: z.object({
      metrics: z.array(
        z.object({
          metricStat: z
            .object({ metric: z.object({ dimensions: z.record(z.string(), z.string()).optional() }) })
            .optional(),
        }),
      ),
    }),
  }),
});

export const redriveInputSchema = z.union([fullPassSchema, followUpSchema, alarmEventSchema]);
export type RedriveInput = z.input<typeof redriveInputSchema>;

/** Messages one look takes from a queue at most: a flood is taken a hundred a look, a follow-up look apart. */
export const MAX_PER_QUEUE = 100;

/** What one run did, for logs and tests. */
export interface RedriveReport {
  /** The queues looked at (URLs). */
  looked: string[];
  /** `target: error` of each dead letter invoked again. */
  redriven: string[];
  /** Dead letters left in their queue for a person (permanent, not ours, or failing past the horizon), with why. */
  left: string[];
  /** Dead letters whose work was re-driven less than the spacing ago: hidden until a later look. */
  waiting: string[];
  /** Dead letters whose re-drive failed now (Lambda unavailable): they come back for a later look. */
  failed: string[];
  /** Dead letters an earlier look re-drove but did not delete (it ended first): deleted now, not re-driven again. */
  finished?: string[];
  /**
   * Lambda failure records Goldsmith recorded no such failure for (or already re-drove from another message): never
   * invoked, announced once as `claim-refused`; deleted, or kept for a person when nothing at all was recorded.
   */
  refused: string[];
  /** Follow-up looks asked for (schedule names). */
  followUps: string[];
  /** Why nothing was looked at (an alarm of a queue the re-drive does not read). */
  ignored?: string;
}

interface LookContext {
  now: Date;
  horizonSeconds: number;
  targets: ReadonlySet<string>;
}

/**
 * A list the stack writes as what its entries share, once (`<name>_PREFIX`), and their names, comma-separated
 * (`<name>S`): the queue URLs or function ARNs again (stacks/monitoring/redrive.ts).
 */
function listFromEnv(name: string): string[] {
  const prefix = process.env[`${name}_PREFIX`] ?? '';
  return (process.env[`${name}S`] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => `${prefix}${s}`);
}

async function redriveOne(
  queueUrl: string,
  taken: ReceivedDeadLetter,
  context: LookContext,
  report: RedriveReport,
): Promise<void> {
  const letter = readDeadLetter(taken.message);
  if ('unreadable' in letter) return leave(queueUrl, taken, `${queueUrl}: ${letter.unreadable}`, report);
  // Lambda's failure records are re-driven only as Goldsmith recorded them; rule and schedule dead letters come only
  // from EventBridge and Scheduler (the queue's policy: stacks/resource-doors.ts).
  const recorded = await recordedRequestOf(queueUrl, taken, letter, context.now, report);
  if (recorded === 'refused') return;
  const what = `${letter.target.split(':').pop()}: ${letter.error}`;
  const id = deadLetterId(letter);
  const history = await redriveHistory(id);
  if (history?.taken?.has(taken.messageId)) {
    await deleteDeadLetter(queueUrl, taken.receiptHandle);
    report.finished = [...(report.finished ?? []), what];
    return;
  }
  const first = firstFailureOf(history, taken.sentAt);
  const decision = decideRedrive(letter, first, context.now, context.horizonSeconds, context.targets);
  if (!decision.redrive) return leave(queueUrl, taken, `${what}: ${decision.reason}`, report);
  if (tooSoonToRedrive(history, history?.firstDeadLetteredAt === first, context.now)) {
    // Left hidden (LOOK_VISIBILITY_SECONDS): it reappears when the spacing has passed, and its alarm fires again.
    report.waiting.push(`${what}: re-driven at ${history?.lastRedriveAt}`);
    return;
  }
  try {
    if (recorded !== undefined && !(await consumeRecord(queueUrl, taken, letter, recorded, context.now, report)))
      return;
    await recordRedrive(id, letter, first, context.now);
    await invokeAgain(letter.target, letter.payload);
  } catch (error) {
    report.failed.push(`${what}: ${describe(error)}`);
    return;
  }
  // Deleted only once Lambda took the invocation, and noted as taken first: a run that ends before the deletion
  // leaves the message, and the look that meets it again deletes it without a second re-drive. Lambda's answer lost
  // (a run ending between the invocation and the note) re-drives it again: every handler is idempotent.
  await markRedriveTaken(id, taken.messageId);
  await deleteDeadLetter(queueUrl, taken.receiptHandle);
  report.redriven.push(what);
}

/** One look at one queue; a look that took messages asks for a follow-up look at it. */
async function lookAt(queueUrl: string, context: LookContext, self: string, report: RedriveReport): Promise<void> {
  report.looked.push(queueUrl);
  const taken = await receiveDeadLetters(queueUrl, MAX_PER_QUEUE);
  for (const message of taken) await redriveOne(queueUrl, message, context, report);
  if (taken.length === 0) return;
  const queueName = queueUrl.split('/').pop() ?? queueUrl;
  try {
    report.followUps.push((await scheduleFollowUpLook(queueName, self, context.now)).name);
  } catch (error) {
    // The queue's alarm and the daily pass still come; a follow-up is the quick path, not the only one.
    report.failed.push(`follow-up look at ${queueName}: ${describe(error)}`);
  }
}

/** Which queues this invocation looks at. */
function scopeOf(input: RedriveInput): RedriveScope | { ignored: string } {
  if ('redrive' in input) return input.redrive === 'queue' ? { kind: 'queue', queue: input.queue } : { kind: 'all' };
  if (input.detail.state.value !== 'ALARM')
    return { ignored: `${input.detail.alarmName} is ${input.detail.state.value}` };
  const queue = queueOfAlarm(input.detail);
  return queue ? { kind: 'queue', queue } : { ignored: `${input.detail.alarmName} names no queue` };
}

/**
 * Re-drives Goldsmith's dead-letter queues (env `DEAD_LETTER_QUEUES` after `DEAD_LETTER_QUEUE_PREFIX`): all of them on the daily pass, one when its
 * depth alarm fired or a follow-up look is due (core/redrive/looks.ts). A Lambda failure record is re-driven only
 * when the failing handler recorded that very failure (functions/redrive/recorded.ts); anything else in that shape
 * is refused, announced and never invoked. Each message's invocation is made again, asynchronously, when its
 * target is one of Goldsmith's functions (env `REDRIVE_TARGETS` after `REDRIVE_TARGET_PREFIX`), it failed transiently, the work has been failing for no longer than the catalog's retry horizon, and it was not re-driven within the
 * last hour. Bounded: at most `MAX_PER_QUEUE` messages a queue per look. Idempotent: the handlers are, a message is
 * deleted only after Lambda took it again, and a message met again after its re-drive was noted is deleted, not
 * re-driven. What stays behind keeps its age in the queue, which the
 * dead-letter alarms watch. `self` is this function's ARN, the follow-up looks' target.
 */
export async function redriveDeadLetters(input: RedriveInput, self: string, now = new Date()): Promise<RedriveReport> {
  const report: RedriveReport = {
    looked: [],
    redriven: [],
    left: [],
    waiting: [],
    failed: [],
    refused: [],
    followUps: [],
  };
  const scope = scopeOf(redriveInputSchema.parse(input));
  const queues = listFromEnv('DEAD_LETTER_QUEUE');
  let chosen: string[] = [];
  if ('ignored' in scope) report.ignored = scope.ignored;
  else if (scope.kind === 'all') chosen = queues;
  else {
    const url = queueUrlNamed(queues, scope.queue);
    if (url) chosen = [url];
    else report.ignored = `${scope.queue} is not a dead-letter queue of Goldsmith`;
  }
  const context = {
    now,
    horizonSeconds: parseDuration(bundledCatalog().resilience.retryHorizon),
    targets: new Set(listFromEnv('REDRIVE_TARGET')),
  };
  for (const queueUrl of chosen) await lookAt(queueUrl, context, self, report);
  if (report.redriven.length > 0) {
    metrics.addMetric(metricNames.deadLettersRedriven, MetricUnit.Count, report.redriven.length);
    logger.warn('re-drove dead-lettered invocations', { redriven: report.redriven });
  }
  if (report.left.length > 0) {
    metrics.addMetric(metricNames.deadLettersLeft, MetricUnit.Count, report.left.length);
    logger.error('dead letters left for a person', { left: report.left });
  }
  if (report.refused.length > 0) {
    metrics.addMetric(metricNames.deadLettersRefused, MetricUnit.Count, report.refused.length);
  }
  if (report.failed.length > 0)
    logger.warn('re-drives that failed now; a later look tries again', { failed: report.failed });
  if (report.ignored) logger.info('nothing to look at', { ignored: report.ignored });
  return report;
}

export const handler = handlerFor({
  name: 'redrive-dead-letters',
  parse: redriveInputSchema,
  handle: (input, context) => redriveDeadLetters(input, unqualified(context.invokedFunctionArn)),
});
