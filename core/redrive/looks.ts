import { createHash } from 'node:crypto';

/**
 * When the re-drive looks at a dead-letter queue, pure. It looks when the queue's depth says there is something:
 * each queue has a CloudWatch alarm on `ApproximateNumberOfMessagesVisible > 0` (one-minute period), and a rule on
 * the default bus sends that alarm's "CloudWatch Alarm State Change" into ALARM to the re-drive, which then reads
 * that queue only (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html).
 * An alarm announces a transition once, so the re-drive keeps its own rhythm while a queue holds work:
 * - a look that took messages schedules a follow-up look at the same queue (`FOLLOW_UP_SECONDS` later), which
 *   catches what arrived after the look but before the alarm saw the queue empty (it stays in ALARM, silent);
 * - what it keeps for later is hidden (the visibility timeout), so the queue's visible depth falls to zero, the
 *   alarm returns to OK, and the message's reappearance raises it again: a state change, a new look;
 * - once a day a full pass reads every queue, the backstop for anything the alarms missed.
 */

/** Seconds between two re-drives of the same failing work: an outage is retried about hourly, not every minute. */
export const REDRIVE_SPACING_SECONDS = 3600;

/**
 * How long a look hides each message it takes (ReceiveMessage's VisibilityTimeout): one it could not re-drive now
 * (too soon after the last re-drive, or Lambda refused) reappears this much later, raising the alarm again.
 */
export const LOOK_VISIBILITY_SECONDS = REDRIVE_SPACING_SECONDS;

/**
 * How long a message left for a person stays hidden (ChangeMessageVisibility; SQS's maximum is 12 hours). A
 * message received three times or more drops out of `ApproximateAgeOfOldestMessage`, the metric the person's alarm
 * watches (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html):
 * re-reading it hourly would silence that alarm within three hours.
 */
export const LEFT_VISIBILITY_SECONDS = 12 * 3600;

/** How long after a look that took messages the follow-up look at the same queue comes. */
export const FOLLOW_UP_SECONDS = 600;

/** What the re-drive was asked to do: a full pass, or one queue (its alarm fired, or a follow-up). */
export type RedriveScope = { kind: 'all' } | { kind: 'queue'; queue: string };

/** The queue URL among `queueUrls` whose name is `queueName` (a URL ends with `/<account>/<name>`). */
export function queueUrlNamed(queueUrls: readonly string[], queueName: string): string | undefined {
  return queueUrls.find((url) => url.endsWith(`/${queueName}`));
}

/** The queue a depth alarm watches: its metric's `QueueName` dimension, as the state-change event carries it. */
export function queueOfAlarm(detail: {
  configuration?: { metrics?: { metricStat?: { metric?: { dimensions?: Record<string, string> } } }[] };
}): string | undefined {
  for (const m of detail.configuration?.metrics ?? []) {
    const name = m.metricStat?.metric?.dimensions?.QueueName;
    if (name) return name;
  }
  return undefined;
}

/**
 * Whether re-driving now would come too soon after the last re-drive of the same chain of failures: the work was
 * re-driven less than `REDRIVE_SPACING_SECONDS` ago and failed again. Then the message waits (hidden) for the next
 * look instead of re-driving the work every few minutes while the outage lasts.
 */
export function tooSoonToRedrive(
  history: { lastRedriveAt: string } | undefined,
  continuesChain: boolean,
  now: Date,
): boolean {
  if (!history || !continuesChain) return false;
  return now.getTime() - Date.parse(history.lastRedriveAt) < REDRIVE_SPACING_SECONDS * 1000;
}

/**
 * The follow-up look's one-time schedule: `at(…)` in UTC, whole seconds
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html), and a name unique per queue and
 * minute (1–64 characters of `[0-9a-zA-Z-_.]`), so two looks in the same minute ask for one follow-up.
 */
export function followUpSchedule(queueName: string, now: Date): { name: string; expression: string; at: Date } {
  const at = new Date(Math.ceil((now.getTime() + FOLLOW_UP_SECONDS * 1000) / 60_000) * 60_000);
  const queue = createHash('sha256').update(queueName).digest('hex').slice(0, 16);
  const minute = at.toISOString().slice(0, 16).replace(/[-:T]/g, '');
  return { name: `redrive-${queue}-${minute}`, expression: `at(${at.toISOString().slice(0, 19)})`, at };
}
