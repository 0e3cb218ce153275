import { type BuildUsage, type CostReport, estimateRun } from '../../core/cost/estimate.js';
import { priceTable } from '../../core/cost/prices.js';
import type { LocalCloud } from './cloud.js';
import type { SimulationReport } from './report.js';

const MONTH_MS = 30.436875 * 86_400_000;
/** Image Builder statuses during which a build or test instance runs. */
const INSTANCE_STATUSES = new Set(['BUILDING', 'TESTING']);

/** Seconds each build spent BUILDING or TESTING, from the status changes Image Builder announced. */
export function instanceSeconds(
  statusLog: readonly { at: string; image: string; version: string; status: string }[],
): Map<string, number> {
  const byBuild = new Map<string, { at: number; status: string }[]>();
  for (const s of statusLog) {
    const key = `${s.image}@${s.version}`;
    byBuild.set(key, [...(byBuild.get(key) ?? []), { at: Date.parse(s.at), status: s.status }]);
  }
  const seconds = new Map<string, number>();
  for (const [key, changes] of byBuild) {
    changes.sort((a, b) => a.at - b.at);
    let total = 0;
    for (let i = 0; i < changes.length - 1; i++) {
      if (INSTANCE_STATUSES.has(changes[i]!.status)) total += changes[i + 1]!.at - changes[i]!.at;
    }
    seconds.set(key, total / 1000);
  }
  return seconds;
}

/**
 * The report's `cost`: each build's instance time and copies, storage of its outputs until the end of the run,
 * and the orchestration the local cloud counted (Lambda invocations, state transitions, DynamoDB request units,
 * events put, schedules fired, SNS publishes, advanced parameters and their API calls, alarms and dashboards).
 */
export function costOfRun(
  cloud: LocalCloud,
  report: SimulationReport,
  statusLog: readonly { at: string; image: string; version: string; status: string }[],
  schedulesFired: number,
): CostReport {
  const prices = priceTable(cloud.catalog.prices);
  const seconds = instanceSeconds(statusLog);
  const builds: BuildUsage[] = report.builds.map((b) => {
    const spec = cloud.catalog.images[b.image];
    return {
      image: b.image,
      version: b.version,
      kind: spec?.kind === 'container' ? 'container' : 'ami',
      platform: spec?.platform ?? 'Linux',
      instanceType: spec?.instanceTypes[0] ?? 'unknown',
      regions: spec?.regions ?? [],
      instanceSeconds: seconds.get(`${b.image}@${b.version}`) ?? 0,
      availableAt: b.status === 'AVAILABLE' && b.finishedAt ? b.finishedAt : undefined,
    };
  });
  const until = Date.parse(report.scenario.until);
  const firstPromoted = new Map<string, { at: number; regions: number }>();
  for (const p of report.promotions) {
    const key = `${p.image}/${p.channel}`;
    if (p.outcome === 'promoted' && !firstPromoted.has(key)) {
      firstPromoted.set(key, { at: Date.parse(p.at), regions: cloud.catalog.images[p.image]?.regions.length ?? 0 });
    }
  }
  const ssmParameterMonths = [...firstPromoted.values()].reduce(
    (n, p) => n + (p.regions * Math.max(0, until - p.at)) / MONTH_MS,
    0,
  );
  const calls = report.apiCalls;
  return estimateRun({
    builds,
    promotions: report.promotions.filter((p) => p.outcome === 'promoted').length,
    start: report.scenario.start,
    until: report.scenario.until,
    prices,
    orchestration: {
      lambdaInvocations: cloud.invoker.invocations,
      sfnTransitions: cloud.sfn.transitions,
      dynamoWrites: cloud.dynamoUsage.writes,
      dynamoReads: cloud.dynamoUsage.reads,
      eventsPut: calls['eventbridge:PutEvents'] ?? 0,
      schedulerInvocations: schedulesFired,
      snsPublishes: calls['sns:Publish'] ?? 0,
      ssmParameterMonths,
      ssmApiCalls: calls['ssm:PutParameter'] ?? 0,
      alarms: cloud.wiring.monitoring.alarms,
      dashboards: cloud.wiring.monitoring.dashboards,
    },
  });
}
