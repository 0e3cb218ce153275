import * as z from 'zod';
import { deliverToAuditor, lookUpCalls } from '../aws/audit/event-history.js';
import { readExpectedFunctions } from '../aws/audit/functions.js';
import { readHistoryWindows, recordHistoryWindows } from '../aws/audit/history-windows.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { historyLookups, lookupWindow, type RecordedCall, readBacksOf } from '../core/audit/event-history.js';
import { functionsPath } from '../core/audit/functions.js';
import { isTransient, TransientError } from '../core/errors/classify.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';
import { logger } from './lib/powertools.js';

/** The schedule's fixed input (stacks/monitoring/audit-history.ts). */
export const auditHistoryInputSchema = z.strictObject({ audit: z.literal('event-history') });

/** What one run looked up and handed on, for logs and tests. */
export interface AuditHistoryReport {
  /**
   * Per Region: the window looked up (absent: nothing new since the last run), the write events read (`writes`), of
   * them the calls of the kinds audited (`calls`), and the pages read.
   */
  regions: Record<string, { start?: string; end?: string; writes: number; calls: number; pages: number }>;
  /** The AMIs and channel pointers handed to the audit of what AWS holds, the functions to the functions' audit. */
  amis: string[];
  pointers: string[];
  /** Goldsmith's rules changed outside it (`<name> in <region>`), handed to the holdings audit. */
  rules: string[];
  functions: string[];
  /** Calls that asked for nothing (Goldsmith's own, refused, not about anything Goldsmith keeps). */
  ignored: number;
  /** Events whose record could not be read, with why. */
  skipped: string[];
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

/**
 * The daily read of CloudTrail's event history: one lookup (its pages) of the write events in each Region the catalog
 * distributes AMIs to and in the home Region; of them, the launch-permission calls (ModifyImageAttribute,
 * ResetImageAttribute), the channel pointers' calls (PutParameter, DeleteParameter, LabelParameterVersion) and the home
 * Region's Lambda calls, recorded since the last run's window ended (core/audit/event-history.ts `lookupWindow`), not
 * made by Goldsmith's own roles (`GOLDSMITH_OWN_ROLES`, and the roles' names). Each AMI or Goldsmith function (one the
 * deployment recorded under `/goldsmith/_functions/<stage>/`, read only when a call names a function) they name is
 * handed, once, to the auditor that reads it back, as the event a trail would have sent it (audit-holdings:
 * `AUDIT_HOLDINGS_ARN`; audit-functions: `AUDIT_FUNCTIONS_ARN`), and each pointer as the "Parameter Store Change"
 * Parameter Store sends (lost, it would wait for the pointers' sweep), so a change is found the next day with no trail
 * and the full sweeps can run every 28 days. The windows' ends are one ledger item (aws/audit/history-windows.ts), read
 * once and written once a run; a Region's new end is written only once everything it found was handed on: a failed run
 * looks the same window up again, and a read-back asked twice changes nothing twice.
 */
export async function auditHistory(now = new Date()): Promise<AuditHistoryReport> {
  const catalog = bundledCatalog();
  const home = env('AWS_REGION');
  const stage = env('GOLDSMITH_STAGE');
  const amiRegions = Object.values(catalog.images).flatMap((image) => image.regions);
  const lookups = historyLookups(amiRegions, home);
  const report: AuditHistoryReport = {
    regions: {},
    amis: [],
    pointers: [],
    rules: [],
    functions: [],
    ignored: 0,
    skipped: [],
  };
  const failures: { text: string; transient: boolean }[] = [];
  const ownRoles = new Set((process.env.GOLDSMITH_OWN_ROLES ?? '').split(',').filter((r) => r.length > 0));
  let mine: Set<string> | undefined;
  const regions = [...new Set(lookups.map((l) => l.region))];
  const windows = await readHistoryWindows(regions);
  const ended: Record<string, string> = {};
  for (const region of regions) {
    const window = lookupWindow(windows.ends[region], now);
    const seen: AuditHistoryReport['regions'][string] = { writes: 0, calls: 0, pages: 0 };
    report.regions[region] = seen;
    if (!window) continue;
    Object.assign(seen, { start: window.start.toISOString(), end: window.end.toISOString() });
    try {
      const calls: RecordedCall[] = [];
      for (const lookup of lookups.filter((l) => l.region === region)) {
        const found = await lookUpCalls(lookup, window.start, window.end);
        calls.push(...found.calls);
        seen.pages += found.pages;
        report.skipped.push(...found.skipped);
      }
      seen.writes = calls.length;
      const asked = readBacksOf(calls, stage, ownRoles, home);
      seen.calls = asked.audited;
      report.ignored += asked.ignored;
      // The AMIs, pointers and rules to the holdings audit, each as the event it would have received.
      for (const event of [...asked.amis, ...asked.pointers, ...asked.rules])
        await deliverToAuditor(env('AUDIT_HOLDINGS_ARN'), event);
      report.amis.push(...asked.amis.map((e) => String(e.detail.requestParameters?.imageId)));
      report.pointers.push(...asked.pointers.map((e) => `${e.detail.name} in ${e.region}`));
      report.rules.push(
        ...asked.rules.map(
          (e) => `${String(e.detail.requestParameters?.name ?? e.detail.requestParameters?.rule)} in ${e.region}`,
        ),
      );
      // A function's call: only Goldsmith's functions (the deployment's records, read only when a call names one).
      if (asked.functions.size > 0) {
        mine ??= new Set((await readExpectedFunctions(functionsPath(stage))).map((f) => f.name));
        for (const [name, event] of asked.functions) {
          if (!mine.has(name)) {
            report.ignored++;
            continue;
          }
          await deliverToAuditor(env('AUDIT_FUNCTIONS_ARN'), event);
          report.functions.push(name);
        }
      }
      ended[region] = window.end.toISOString();
    } catch (error) {
      const text = `${region}: ${error instanceof Error ? error.message : String(error)}`;
      failures.push({ text, transient: isTransient(error) });
    }
  }
  if (Object.keys(ended).length > 0 && !(await recordHistoryWindows(windows, ended)))
    logger.warn('another run recorded the windows first: the next run looks these up again', { ended });
  const { regions: read, amis, pointers, functions } = report;
  logger.info('event history read', { regions: read, amis, pointers, functions });
  for (const reason of report.skipped) logger.warn('an event history record skipped', { reason });
  if (failures.length > 0) {
    const message = `audit-history: ${failures.map((f) => f.text).join('; ')}`;
    throw failures.every((f) => f.transient) ? new TransientError(message) : new Error(message);
  }
  return report;
}

export const handler = handlerFor({
  name: 'audit-history',
  recordFailure: recordFailedInvocation,
  parse: auditHistoryInputSchema,
  handle: () => auditHistory(),
});
