import type { QueueDepthAlarm } from '../fakes/cloudwatch.js';
import type { CfnTemplate, TemplateResolver } from './intrinsics.js';

type Props = Record<string, unknown>;

/**
 * The synthesized alarms on an SQS queue's visible depth (`AWS/SQS` `ApproximateNumberOfMessagesVisible` with a
 * `QueueName` dimension), which the local CloudWatch evaluates (local/fakes/cloudwatch.ts). Alarms on other metrics
 * (Lambda errors, Goldsmith's own EMF metrics, a queue's oldest message) have no metric source locally and are
 * counted for the cost estimate only.
 */
export function readQueueDepthAlarms(templates: readonly CfnTemplate[], resolver: TemplateResolver): QueueDepthAlarm[] {
  const alarms: QueueDepthAlarm[] = [];
  for (const t of templates) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
      const p = (resolver.resolve(r.Properties ?? {}) ?? {}) as Props;
      if (p.Namespace !== 'AWS/SQS' || p.MetricName !== 'ApproximateNumberOfMessagesVisible') continue;
      const queue = ((p.Dimensions ?? []) as { Name?: unknown; Value?: unknown }[]).find((d) => d.Name === 'QueueName');
      if (queue === undefined) continue;
      const evaluationPeriods = Number(p.EvaluationPeriods);
      alarms.push({
        name: resolver.physicalName(id),
        arn: resolver.arn(id),
        description: p.AlarmDescription === undefined ? undefined : String(p.AlarmDescription),
        queueName: String(queue.Value),
        statistic: String(p.Statistic),
        period: Number(p.Period),
        threshold: Number(p.Threshold),
        comparison: String(p.ComparisonOperator) as QueueDepthAlarm['comparison'],
        evaluationPeriods,
        datapointsToAlarm: p.DatapointsToAlarm === undefined ? evaluationPeriods : Number(p.DatapointsToAlarm),
        treatMissingData: (p.TreatMissingData ?? 'missing') as QueueDepthAlarm['treatMissingData'],
      });
    }
  }
  return alarms;
}
