import { Duration, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import {
  HEALTH_PERIOD_SECONDS,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  metricNames,
} from '../../core/observability/metrics.js';
import { admitAlarms } from '../resource-doors.js';
import type { Watched } from './discover.js';

/** A Goldsmith application metric (EMF through Powertools: every metric carries the `service` dimension). */
export function goldsmithMetric(
  name: string,
  statistic: string,
  period: Duration,
  dimensions: Record<string, string> = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE, ...dimensions },
    statistic,
    period,
  });
}

/**
 * A dead letter this old was left by the re-drive: it looks at a queue within minutes of a message arriving (its
 * depth alarm) and replaces transient work's message at each re-drive, at most about an hour apart.
 */
export const DEAD_LETTER_MAX_AGE_SECONDS = 3 * 3600;

export interface AlarmSettings {
  /** Days a channel may stay unmoved before the stale-golden-image alarm (catalog `monitoring.staleChannelAfter`). */
  staleChannelDays: number;
  /** The chat sinks the catalog configures, by their metric name (core/notifications/sinks.ts `metric`). */
  sinks?: readonly string[];
}

/**
 * A chat sink's backlog this old is a sink that has refused for two of its three-hourly runs (or a Retry-After at
 * its one-hour cap twice over): an outage, a rotated credential, a receiver that moved.
 */
export const SINK_BACKLOG_MAX_AGE_SECONDS = 6 * 3600;

/**
 * Every alarm, each notifying the Goldsmith topic: a dead letter that keeps failing, a failed or timed-out
 * promotion execution, any handler error, a pipeline Image Builder disabled, an approval waiting past half its
 * timeout, and a channel that has not moved for the configured time. Gauge alarms evaluate one three-hour period
 * (CloudWatch allows Period × EvaluationPeriods up to seven days for periods of an hour or more:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
export function createAlarms(
  stack: Stack,
  watched: Watched,
  topic: sns.ITopic,
  settings: AlarmSettings,
): cloudwatch.Alarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  // The topic's policy admits CloudWatch for this stack's alarms (stacks/resource-doors.ts): by the stack's name
  // pattern, not each alarm's ARN (some hundred ARNs overflow the 8 KB parameter the policies auditor reads the
  // topic's expected policy from); the SCP's `AlarmsOnlyByTheDeployment` keeps alarms under the pattern the deployment's.
  admitAlarms(stack, 'notifications');
  const add = (id: string, props: cloudwatch.AlarmProps) => {
    const alarm = new cloudwatch.Alarm(stack, id, props);
    alarm.addAlarmAction(new actions.SnsAction(topic));
    alarms.push(alarm);
  };
  const atLeastOne = {
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
  const fiveMinutes = Duration.minutes(5);

  // The re-drive takes every message it can invoke again (what fails again comes back as a new message) within
  // minutes of its arrival and about hourly while it keeps failing, so a message older than three hours is one it
  // leaves: permanent, not ours, or failing past the retry horizon.
  for (const { id, queue } of watched.queues) {
    add(`DlqAlarm${id}`, {
      threshold: DEAD_LETTER_MAX_AGE_SECONDS,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Goldsmith: a message in dead-letter queue ${id} keeps failing (the re-drive left it for three hours); inspect it`,
      metric: queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: fiveMinutes }),
    });
  }
  add('DeadLettersLeftAlarm', {
    ...atLeastOne,
    alarmDescription:
      'Goldsmith: the re-drive left a dead letter for a person (permanent error, or failing past the retry horizon)',
    metric: goldsmithMetric(metricNames.deadLettersLeft, 'Sum', Duration.hours(1)),
  });
  for (const { id, machine } of watched.stateMachines) {
    add(`ExecutionsFailedAlarm${id}`, {
      ...atLeastOne,
      alarmDescription: `Goldsmith: a ${id} execution failed`,
      metric: machine.metricFailed({ statistic: 'Sum', period: fiveMinutes }),
    });
    // No Goldsmith code stops an execution: an aborted one was stopped by hand (a Rollout so stopped leaves its record
    // open until the reconciler marks it stopped).
    add(`ExecutionsAbortedAlarm${id}`, {
      ...atLeastOne,
      alarmDescription: `Goldsmith: a ${id} execution was stopped (aborted)`,
      metric: machine.metricAborted({ statistic: 'Sum', period: fiveMinutes }),
    });
    add(`ExecutionsTimedOutAlarm${id}`, {
      ...atLeastOne,
      alarmDescription: `Goldsmith: a ${id} execution timed out`,
      metric: machine.metricTimedOut({ statistic: 'Sum', period: fiveMinutes }),
    });
  }
  for (const { id, fn } of watched.functions) {
    add(`ErrorsAlarm${id}`, {
      ...atLeastOne,
      alarmDescription: `Goldsmith: handler ${id} failed an invocation`,
      metric: fn.metricErrors({ statistic: 'Sum', period: fiveMinutes }),
    });
  }
  // The reconciler is the re-drive of missed work, the holdings auditor the audit and the carrying out of
  // revocations whose schedule is gone: either's own schedule (EventBridge Scheduler) deleted or disabled by anyone
  // with scheduler:* stops all of it, and every alarm above treats missing data as not breaching. Both run every six
  // hours: no invocation in twelve is a silent one. The event history's reader and the functions' auditor run daily
  // (their schedules as open to scheduler:* without the SCP): no invocation in 26 hours. "Period multiplied by
  // EvaluationPeriods can't be more than 604,800 seconds"
  // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
  const silent = [
    {
      id: 'ReconcilerSilentAlarm',
      construct: 'Reconcile',
      hours: 12,
      description:
        'Goldsmith: the reconciler has not run for twelve hours (its schedule deleted or disabled?): no re-issued intents, no missed promotion started, no recorded decision delivered; check the Reconcile schedule',
    },
    {
      id: 'AuditSilentAlarm',
      construct: 'AuditHoldings',
      hours: 12,
      description:
        'Goldsmith: the audit of what AWS holds has not run for twelve hours (its schedule deleted or disabled?): no audit, no overdue revocation carried out; check the AuditHoldings schedule',
    },
    {
      id: 'AuditHistorySilentAlarm',
      construct: 'AuditHistory',
      hours: 26,
      description:
        "Goldsmith: the read of CloudTrail's event history has not run for a day (its schedule deleted or disabled?): changes made without a trail wait for the sweeps; check the AuditHistory schedule",
    },
    {
      id: 'AuditFunctionsSilentAlarm',
      construct: 'AuditFunctions',
      hours: 26,
      description:
        "Goldsmith: the audit of Goldsmith's functions and roles has not run for a day (its schedule deleted or disabled?): a changed function or role goes unseen; check the AuditFunctions schedule",
    },
  ];
  for (const { id, construct, hours, description } of silent) {
    const watchedFn = watched.functions.find(({ fn }) => fn.node.id === construct);
    if (!watchedFn) continue;
    add(id, {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: description,
      metric: watchedFn.fn.metricInvocations({ statistic: 'Sum', period: Duration.hours(hours) }),
    });
  }
  add('PipelineDisabledAlarm', {
    ...atLeastOne,
    alarmDescription: 'Goldsmith: Image Builder automatically disabled a pipeline after consecutive failed builds',
    metric: goldsmithMetric(metricNames.pipelineDisabled, 'Sum', fiveMinutes),
  });
  add('BuildsPausedAlarm', {
    ...atLeastOne,
    alarmDescription:
      "Goldsmith: an image's last builds failed in a row and its builds are paused (goldsmith resume IMAGE --builds)",
    metric: goldsmithMetric(metricNames.buildsPaused, 'Sum', fiveMinutes),
  });
  const gaugePeriod = Duration.seconds(HEALTH_PERIOD_SECONDS);
  add('ApprovalWaitingAlarm', {
    threshold: 50,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: 'Goldsmith: an approval has waited more than half its timeout',
    metric: goldsmithMetric(metricNames.approvalWaitPercent, 'Maximum', gaugePeriod),
  });
  add('StaleChannelAlarm', {
    threshold: settings.staleChannelDays,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Goldsmith: a channel has not moved for ${settings.staleChannelDays} days (stale golden image)`,
    metric: goldsmithMetric(metricNames.oldestChannelAge, 'Maximum', gaugePeriod),
  });
  // The sweep runs daily (stacks/promotion/lifecycle.ts): a day's maximum is its last count.
  add('InstancesOnRevokedAlarm', {
    ...atLeastOne,
    alarmDescription:
      'Goldsmith: member accounts still ran instances on a revoked version when EC2 last reported on it (goldsmith fleet names them)',
    metric: goldsmithMetric(metricNames.instancesOnRevoked, 'Maximum', Duration.days(1)),
  });
  // Both are emitted once a day (the reconciler's full pass, the organization's full read).
  add('PointerShareRepairedAlarm', {
    ...atLeastOne,
    alarmDescription:
      'Goldsmith: a channel pointer share was changed outside Goldsmith and put back by the daily backstop (the reconciler logs what was missing or extra)',
    metric: goldsmithMetric(metricNames.pointerSharesRepaired, 'Sum', Duration.days(1)),
  });
  // The audits count what they found changed outside Goldsmith on every run (scheduled revocations) and once a day
  // (pointers, launch permissions, rules, the topics' subscriptions, the topics', queues' and bus's policies): any
  // finding in a day is one for a person to look at.
  add('DriftFoundAlarm', {
    ...atLeastOne,
    alarmDescription:
      "Goldsmith: the audit found AWS holding otherwise than the ledger (a channel pointer, an AMI's launch permissions or a scheduled revocation's schedule: goldsmith history IMAGE; a topic's subscriptions, a topic's, queue's or the event bus's policy, or an EventBridge rule: goldsmith history --factory) and says what was done (docs/operating.md, The daily audit)",
    metric: goldsmithMetric(metricNames.driftFound, 'Sum', Duration.days(1)),
  });
  add('OrganizationChangesMissedAlarm', {
    ...atLeastOne,
    alarmDescription:
      "Goldsmith: the full read of the organization (weekly: monitoring.organizationFullReadEvery) found changes no event had brought: an event was lost, or Organizations' events do not reach Goldsmith's default bus (docs/organization.md)",
    metric: goldsmithMetric(metricNames.organizationChangesMissed, 'Sum', Duration.days(1)),
  });
  // Each chat sink's backlog (in the ledger, not a queue): the age of its oldest waiting post, emitted by every drain
  // (at least every three hours, by the sink's schedule). The Maximum over three hours catches it at its next run.
  for (const sink of settings.sinks ?? []) {
    add(`SinkBacklogAgeAlarm${sink}`, {
      threshold: SINK_BACKLOG_MAX_AGE_SECONDS,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Goldsmith: a post has waited six hours in the ${sink} backlog (the sink keeps refusing: an outage, a credential, a moved endpoint; its log says why)`,
      metric: goldsmithMetric(metricNames.sinkBacklogAge, 'Maximum', Duration.hours(3), { sink }),
    });
  }
  return alarms;
}
