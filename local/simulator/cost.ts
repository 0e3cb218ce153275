import { type CostReport, estimateRun, instancePrice } from '../../core/cost/estimate.js';
import { priceTable } from '../../core/cost/prices.js';
import { channelPromotions } from './call-minimum.js';
import type { LocalCloud } from './cloud.js';
import type { SimulationReport } from './report.js';

/**
 * The report's `cost`: each image's builds, storage (for exactly the time each output existed) and pointers from
 * its ledger partition, month by month, as the monthly summary counts them (core/cost/ledger-cost.ts); and the
 * orchestration the local cloud counted (Lambda invocations, state transitions, DynamoDB request units, events put,
 * schedules fired, SNS publishes, parameter API calls, alarms and dashboards).
 */
export function costOfRun(
  cloud: LocalCloud,
  report: SimulationReport,
  ledgerItems: readonly Record<string, unknown>[],
  schedulesFired: number,
): CostReport {
  const prices = priceTable(cloud.catalog.prices);
  const images = Object.fromEntries(
    Object.entries(cloud.catalog.images).map(([image, spec]) => [
      image,
      {
        items: ledgerItems.filter((i) => i.pk === `IMAGE#${image}`),
        regions: spec.regions.length,
        channels: cloud.catalog.channels.map((c) => c.name),
        parameterMonth: prices.ssmAdvancedParameterMonth,
      },
    ]),
  );
  const unpriced = [
    ...new Set(Object.values(cloud.catalog.images).map((spec) => spec.instanceTypes[0] ?? 'unknown')),
  ].filter((type) => !instancePrice(prices, type).listed);
  const calls = report.apiCalls;
  return estimateRun({
    images,
    promotions: channelPromotions(report.promotions),
    start: report.scenario.start,
    until: report.scenario.until,
    prices,
    assumptions: unpriced.map((t) => `${t}: not in the price table, priced at ${prices.instanceHourFallback}/h`),
    orchestration: {
      lambdaInvocations: cloud.invoker.invocations,
      sfnTransitions: cloud.sfn.transitions,
      dynamoWrites: cloud.dynamoUsage.writes,
      dynamoReads: cloud.dynamoUsage.reads,
      eventsPut: calls['eventbridge:PutEvents'] ?? 0,
      schedulerInvocations: schedulesFired,
      snsPublishes: calls['sns:Publish'] ?? 0,
      ssmApiCalls: calls['ssm:PutParameter'] ?? 0,
      alarms: cloud.wiring.monitoring.alarms,
      dashboards: cloud.wiring.monitoring.dashboards,
    },
  });
}
