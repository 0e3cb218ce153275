import type { Remake } from '../clock.js';
import type { BusEvent } from '../eventbridge/bus.js';
import { NotImplementedByFakeError } from './common.js';
import type { SqsFake } from './sqs.js';

/** A metric alarm on an SQS queue's depth, as the synthesized template defines it. */
export interface QueueDepthAlarm {
  name: string;
  arn: string;
  description?: string | undefined;
  queueName: string;
  /** `AWS/SQS` `ApproximateNumberOfMessagesVisible`, with its statistic and period (seconds). */
  statistic: string;
  period: number;
  threshold: number;
  comparison:
    | 'GreaterThanThreshold'
    | 'GreaterThanOrEqualToThreshold'
    | 'LessThanThreshold'
    | 'LessThanOrEqualToThreshold';
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
}

type State = 'INSUFFICIENT_DATA' | 'OK' | 'ALARM';

const PHRASES: Record<QueueDepthAlarm['comparison'], string> = {
  GreaterThanThreshold: 'greater than the threshold',
  GreaterThanOrEqualToThreshold: 'greater than or equal to the threshold',
  LessThanThreshold: 'less than the threshold',
  LessThanOrEqualToThreshold: 'less than or equal to the threshold',
};

/** After a queue wakes from six idle hours its metrics come up to 15 minutes late (the worst case is modelled). */
const WAKE_DELAY_MS = 15 * 60_000;

interface Watch {
  alarm: QueueDepthAlarm;
  queueUrl: string;
  state: State;
  stateReason: string;
  stateAt: number;
  /** The largest visible depth since the last evaluation: the next datapoint's Maximum. */
  peak: number;
  /** The one evaluation pending (at a period boundary), if any. */
  pending: { at: number; cancel(): void } | undefined;
  /** A wake-up pending for a quiet change (a message reappearing or expiring). */
  quiet: { at: number; cancel(): void } | undefined;
}

export interface CloudWatchAlarmsOptions {
  sqs: SqsFake;
  now: () => number;
  schedule: (at: number, label: string, fn: () => void, remake?: Remake) => { cancel(): void };
  /** Where state-change events go: the default bus. */
  put: (event: BusEvent) => void;
  accountId: string;
  region: string;
}

/**
 * CloudWatch metric alarms on SQS queue depth, evaluated in virtual time on the SQS fake's queues, each state change
 * sent to the default bus as "CloudWatch Alarm State Change" (the single-metric sample of
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html). The datapoint of
 * a one-minute period is the Maximum of `ApproximateNumberOfMessagesVisible` over it; SQS publishes it for an active
 * queue only (holding messages, or called in the last six hours), and up to 15 minutes late after a queue wakes
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/monitoring-using-cloudwatch.html). A
 * missing datapoint counts as its `treatMissingData` says
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html). Evaluations happen
 * only at the period boundaries where the state can change: after a call changed the depth, after a hidden
 * message's reappearance, and while an alarm in ALARM waits for its first empty period — never on an idle queue.
 * Only one-period alarms (`1 out of 1`) are implemented.
 */
export class CloudWatchAlarms {
  private readonly watches: Watch[] = [];
  /** Every state change sent, for tests and the report. */
  readonly changes: { at: string; alarm: string; from: State; to: State }[] = [];

  constructor(
    alarms: readonly QueueDepthAlarm[],
    private readonly opts: CloudWatchAlarmsOptions,
  ) {
    for (const alarm of alarms) {
      if (alarm.evaluationPeriods !== 1 || alarm.datapointsToAlarm !== 1 || alarm.period % 60 !== 0) {
        throw new NotImplementedByFakeError('cloudwatch', `alarm ${alarm.name}: only 1 of 1 periods of whole minutes`);
      }
      if (alarm.statistic !== 'Maximum') {
        throw new NotImplementedByFakeError('cloudwatch', `alarm ${alarm.name}: statistic ${alarm.statistic}`);
      }
      const queueUrl = opts.sqs.urlNamed(alarm.queueName);
      if (!queueUrl) throw new Error(`alarm ${alarm.name} watches ${alarm.queueName}, which is no queue`);
      const watch: Watch = {
        alarm,
        queueUrl,
        state: 'INSUFFICIENT_DATA',
        stateReason: 'Unchecked: Initial alarm creation',
        stateAt: opts.now(),
        peak: opts.sqs.visibleAt(queueUrl),
        pending: undefined,
        quiet: undefined,
      };
      this.watches.push(watch);
      // A new alarm is evaluated at its first period boundary (INSUFFICIENT_DATA → OK or ALARM).
      this.evaluateAtNextBoundary(watch);
    }
    opts.sqs.onChange((url) => {
      for (const w of this.watches) if (w.queueUrl === url) this.depthChanged(w);
    });
  }

  /** Each alarm's state now, by name. */
  states(): Record<string, State> {
    return Object.fromEntries(this.watches.map((w) => [w.alarm.name, w.state]));
  }

  private depthChanged(w: Watch): void {
    w.peak = Math.max(w.peak, this.opts.sqs.visibleAt(w.queueUrl));
    this.evaluateAtNextBoundary(w);
    this.watchQuietChange(w);
  }

  /** Schedules a look at the next quiet change of the queue's depth (a hidden message reappearing, one expiring). */
  private watchQuietChange(w: Watch): void {
    const next = this.opts.sqs.nextQuietChange(w.queueUrl);
    if (w.quiet && w.quiet.at === next) return;
    w.quiet?.cancel();
    w.quiet = undefined;
    if (next === undefined) return;
    this.armQuiet(w, next);
  }

  private armQuiet(w: Watch, at: number): void {
    const remake = { kind: 'cloudwatch', data: { alarm: w.alarm.name, timer: 'quiet' } };
    const timer = this.opts.schedule(
      at,
      `cloudwatch depth ${w.alarm.queueName}`,
      () => {
        w.quiet = undefined;
        this.depthChanged(w);
      },
      remake,
    );
    w.quiet = { at, cancel: () => timer.cancel() };
  }

  private armEvaluation(w: Watch, at: number): void {
    const remake = { kind: 'cloudwatch', data: { alarm: w.alarm.name, timer: 'pending' } };
    const timer = this.opts.schedule(
      at,
      `cloudwatch alarm ${w.alarm.name}`,
      () => {
        w.pending = undefined;
        this.evaluate(w, at);
      },
      remake,
    );
    w.pending = { at, cancel: () => timer.cancel() };
  }

  /** After a saved state was loaded: no alarm holds a timer until `rearm` arms it again. */
  dropTimers(): void {
    for (const w of this.watches) {
      w.pending = undefined;
      w.quiet = undefined;
    }
  }

  /** A saved cloud's pending evaluation or wake-up of alarm `alarm` (from the saved clock), armed again at `at`. */
  rearm(alarm: string, timer: 'pending' | 'quiet', at: number): void {
    const w = this.watches.find((x) => x.alarm.name === alarm);
    if (!w) throw new Error(`no alarm ${alarm} to evaluate`);
    if (timer === 'pending') this.armEvaluation(w, at);
    else this.armQuiet(w, at);
  }

  private evaluateAtNextBoundary(w: Watch, after = this.opts.now()): void {
    const period = w.alarm.period * 1000;
    const at = (Math.floor(after / period) + 1) * period;
    if (w.pending && w.pending.at <= at) return;
    w.pending?.cancel();
    this.armEvaluation(w, at);
  }

  private evaluate(w: Watch, at: number): void {
    const { sqs } = this.opts;
    const depth = sqs.visibleAt(w.queueUrl, at);
    const activity = sqs.activity(w.queueUrl, at);
    const published = activity.active && at >= activity.wokeAt + WAKE_DELAY_MS;
    const value = Math.max(w.peak, depth);
    w.peak = depth;
    let next: State;
    let reason: string;
    if (published) {
      next = this.breaches(w.alarm, value) ? 'ALARM' : 'OK';
      reason = `Threshold Crossed: 1 out of the last 1 datapoints [${value}.0] was ${next === 'ALARM' ? '' : 'not '}${PHRASES[w.alarm.comparison]} (${w.alarm.threshold}.0).`;
    } else {
      const missing = w.alarm.treatMissingData;
      next =
        missing === 'breaching'
          ? 'ALARM'
          : missing === 'notBreaching'
            ? 'OK'
            : missing === 'ignore'
              ? w.state
              : 'INSUFFICIENT_DATA';
      reason = `no datapoint: the queue ${activity.active ? 'woke less than 15 minutes ago' : 'is inactive'} (treatMissingData ${missing})`;
      // A queue holding messages publishes again once its wake delay has passed: evaluate then.
      if (activity.active) this.evaluateAtNextBoundary(w, activity.wokeAt + WAKE_DELAY_MS - 1);
    }
    if (next !== w.state) this.transition(w, next, reason, at);
    // In ALARM with nothing visible, the next period's datapoint is empty: evaluate it (no call need happen).
    if (published && w.state === 'ALARM' && depth === 0) this.evaluateAtNextBoundary(w, at);
  }

  private breaches(alarm: QueueDepthAlarm, value: number): boolean {
    switch (alarm.comparison) {
      case 'GreaterThanThreshold':
        return value > alarm.threshold;
      case 'GreaterThanOrEqualToThreshold':
        return value >= alarm.threshold;
      case 'LessThanThreshold':
        return value < alarm.threshold;
      case 'LessThanOrEqualToThreshold':
        return value <= alarm.threshold;
    }
  }

  private transition(w: Watch, to: State, reason: string, at: number): void {
    const { accountId, region } = this.opts;
    const iso = (t: number) => new Date(t).toISOString().replace('Z', '+0000');
    const previous = { value: w.state, reason: w.stateReason, timestamp: iso(w.stateAt) };
    this.changes.push({ at: new Date(at).toISOString(), alarm: w.alarm.name, from: w.state, to });
    w.state = to;
    w.stateReason = reason;
    w.stateAt = at;
    this.opts.put({
      version: '0',
      id: `${w.alarm.name}-${at}`,
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: accountId,
      time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [w.alarm.arn],
      detail: {
        alarmName: w.alarm.name,
        state: { value: to, reason, timestamp: iso(at) },
        previousState: previous,
        configuration: {
          ...(w.alarm.description === undefined ? {} : { description: w.alarm.description }),
          metrics: [
            {
              id: `${w.alarm.name}-m1`,
              metricStat: {
                metric: {
                  namespace: 'AWS/SQS',
                  name: 'ApproximateNumberOfMessagesVisible',
                  dimensions: { QueueName: w.alarm.queueName },
                },
                period: w.alarm.period,
                stat: w.alarm.statistic,
              },
              returnData: true,
            },
          ],
        },
      },
    });
  }
}
