/**
 * What the audit of outside changes costs: the calls the holdings auditor (functions/audit-holdings.ts) makes to read
 * back what AWS holds (channel pointers, launch permissions, rules, revocation schedules, pointer shares, and the
 * read-backs a change's event asks for) and every call of the doors' auditor (functions/audit-doors.ts: the bus,
 * topic and queue policies and the subscriptions) and of the event history's daily read (functions/audit-history.ts:
 * its lookups, and the functions' records when a Lambda call names one). The holdings auditor's ledger reads and
 * announcements call other services and are not counted.
 */

/** The services the holdings auditor reads back what AWS holds from (functions/audit/, functions/sharing/). */
const HOLDINGS_AUDIT_SERVICES = new Set(['ec2', 'ssm', 'eventbridge', 'scheduler', 'ram']);

/** The role of a function, as the local cloud names the caller: `<stage>-goldsmith-<Stack>-<function>`. */
const HOLDINGS_AUDITOR = /-AuditHoldings$/;
const DOORS_AUDITOR = /-AuditDoors$/;
const HISTORY_AUDITOR = /-AuditHistory$/;

export interface AuditCalls {
  /** Every call the audit made. */
  calls: number;
  /** The same, per `service:Action`. */
  byOperation: Record<string, number>;
}

/** The audit's calls out of the calls each caller made (`FakeStats.callsByCaller`). */
export function auditCalls(callsByCaller: Readonly<Record<string, Readonly<Record<string, number>>>>): AuditCalls {
  const byOperation: Record<string, number> = {};
  for (const [caller, calls] of Object.entries(callsByCaller)) {
    const role = caller.split('/').pop() ?? '';
    const doors = DOORS_AUDITOR.test(role) || HISTORY_AUDITOR.test(role);
    if (!doors && !HOLDINGS_AUDITOR.test(role)) continue;
    for (const [operation, n] of Object.entries(calls)) {
      if (!doors && !HOLDINGS_AUDIT_SERVICES.has(operation.split(':')[0] ?? '')) continue;
      byOperation[operation] = (byOperation[operation] ?? 0) + n;
    }
  }
  const sorted = Object.fromEntries(Object.entries(byOperation).sort(([a], [b]) => a.localeCompare(b)));
  return { calls: Object.values(sorted).reduce((n, c) => n + c, 0), byOperation: sorted };
}
