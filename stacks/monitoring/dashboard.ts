import { Duration, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE, METRICS_SERVICE, metricNames } from '../../core/observability/metrics.js';
import { goldsmithMetric } from './alarms.js';
import type { Watched } from './discover.js';

const DAY = Duration.days(1);
const HOUR = Duration.hours(1);

/**
 * One series per dimension combination that exists, without listing images and channels here: a CloudWatch SEARCH
 * expression (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-search-expressions.html).
 */
function search(metric: string, dimensions: string[], statistic: string, period: Duration, label: string) {
  const schema = [METRICS_NAMESPACE, 'service', ...dimensions].join(',');
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${schema}} service="${METRICS_SERVICE}" MetricName="${metric}"', '${statistic}', ${period.toSeconds()})`,
    label,
    period,
    usingMetrics: {},
  });
}

const graph = (title: string, left: cloudwatch.IMetric[], width = 12) =>
  new cloudwatch.GraphWidget({ title, left, width, height: 6 });

/** The Goldsmith dashboard: is the factory healthy, what is it doing, and what waits for whom. */
export function createDashboard(
  stack: Stack,
  name: string,
  watched: Watched,
  alarms: cloudwatch.IAlarm[],
): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard', {
    dashboardName: name,
    defaultInterval: Duration.days(35),
  });
  dashboard.addWidgets(
    new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 }),
    graph('Builds started per image, by trigger', [
      search(metricNames.buildsStarted, ['image', 'trigger'], 'Sum', DAY, 'builds'),
    ]),
    graph('Outcomes per image and channel', [
      search(metricNames.outcomes, ['image', 'channel', 'outcome'], 'Sum', DAY, 'outcomes'),
    ]),
    graph('Channel lag (builds behind the newest promotable build)', [
      search(metricNames.channelLag, ['image', 'channel'], 'Maximum', HOUR, 'lag'),
    ]),
    graph('Channel age (days since the pointer moved)', [
      search(metricNames.channelAge, ['image', 'channel'], 'Maximum', HOUR, 'age'),
    ]),
    graph('Approvals waiting', [
      goldsmithMetric(metricNames.approvalsWaiting, 'Maximum', HOUR),
      goldsmithMetric(metricNames.approvalWaitPercent, 'Maximum', HOUR),
    ]),
    graph('Time to channel (AVAILABLE → channel; patch day → channel, prod last)', [
      search(metricNames.availableToChannel, ['channel'], 'Average', DAY, 'available→channel'),
      search(metricNames.patchDayToChannel, ['channel'], 'Average', DAY, 'patch day→channel'),
    ]),
    graph('Failures', [
      goldsmithMetric(metricNames.eventsFailed, 'Sum', HOUR),
      goldsmithMetric(metricNames.pipelineDisabled, 'Sum', HOUR),
      goldsmithMetric(metricNames.buildsPaused, 'Sum', HOUR),
      ...watched.stateMachines.map(({ machine }) => machine.metricFailed({ period: HOUR })),
    ]),
    graph(
      'Dead-letter queue depth',
      watched.queues.map(({ id, queue }) =>
        queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: HOUR, label: id }),
      ),
    ),
    graph(
      'Lambda errors',
      watched.functions.map(({ id, fn }) => fn.metricErrors({ period: HOUR, label: id })),
    ),
    graph(
      'Lambda duration (p95)',
      watched.functions.map(({ id, fn }) => fn.metricDuration({ statistic: 'p95', period: HOUR, label: id })),
    ),
    graph(
      'State machine executions',
      watched.stateMachines.flatMap(({ machine }) => [
        machine.metricStarted({ period: HOUR }),
        machine.metricSucceeded({ period: HOUR }),
        machine.metricFailed({ period: HOUR }),
        machine.metricTimedOut({ period: HOUR }),
      ]),
      24,
    ),
  );
  return dashboard;
}
