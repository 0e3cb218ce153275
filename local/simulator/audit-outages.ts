import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients.js';
import { TRANSIENT_ERROR_NAMES } from '../../core/errors/classify.js';
import type { LocalCloud } from './cloud.js';
import type { SimulationReport } from './report.js';

/** A pending intent younger than this at the end of the run may simply not have met a reconciler run yet. */
const RECONCILER_PERIOD_MS = 6 * 3_600_000;

/**
 * The outage audits (docs/simulation/report.md, "The consistency audit"), each counting what it examined:
 * - `intents-built`: every build intent in the ledger is done — each image's decision names its build or says why
 *   it was skipped (superseded by what) — unless it was recorded within the last reconciler period;
 * - `no-transient-outcomes`: no promotion outcome's reason names a transient error (those are waited out).
 */
export async function auditOutages(
  cloud: LocalCloud,
  report: SimulationReport,
): Promise<{ checks: Record<string, number>; problems: string[] }> {
  const problems: string[] = [];
  const table = cloud.wiring.tables[0]?.name ?? '';
  const intents: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'INTENTS' } },
  );
  for await (const page of pages) intents.push(...((page.Items ?? []) as Record<string, unknown>[]));
  const end = Date.parse(report.scenario.until);
  for (const intent of intents) {
    if (intent.status === 'done') continue;
    if (end - Date.parse(String(intent.recordedAt)) < RECONCILER_PERIOD_MS) continue;
    problems.push(`build intent ${String(intent.changeId)} recorded at ${String(intent.recordedAt)} never started`);
  }

  for (const p of report.promotions) {
    const named = TRANSIENT_ERROR_NAMES.find((n) => p.reason.includes(n));
    if (named) problems.push(`${p.image} ${p.version} ${p.channel} ended ${p.outcome} on a transient error (${named})`);
  }
  return {
    checks: { 'intents-built': intents.length, 'no-transient-outcomes': report.promotions.length },
    problems,
  };
}
