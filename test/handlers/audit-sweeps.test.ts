import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastSweptAt } from '../../aws/audit/sweep-ledger.js';
import type { AuditPart, AuditReport } from '../../functions/audit/index.js';
import { recordCompletedSweeps, sweepsDue } from '../../functions/audit-holdings.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { catalog } from './promotion-fixtures.js';

/**
 * The audit's weekly sweeps (channel pointers, launch permissions) run when overdue, counted from the last one that
 * completed as the ledger holds it: a sweep that failed is made up by the next full pass instead of waiting a week,
 * and one that completed is not repeated by a retried run or the next day's.
 */

const dynamo = useLocalDynamo();
const part = (failures: string[] = []): AuditPart => ({
  checked: 1,
  reads: 1,
  findings: [],
  failures,
  permanentFailures: 0,
});
const report = (pointersFailed: boolean): AuditReport => ({
  scheduledRevocations: part(),
  rules: part(),
  pointerPolicies: part(),
  pointers: part(pointersFailed ? ['ssm eu-west-1: ThrottlingException'] : []),
  launchPermissions: part(),
  findings: [],
  failures: [],
  permanentFailures: 0,
});
/** The full pass (before 06:00 UTC) of day `n` after 2027-01-07. */
const fullPass = (n: number, minutes = 10) => new Date(Date.UTC(2027, 0, 7 + n, 0, minutes));

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
});

afterEach(() => {
  delete process.env.GOLDSMITH_CATALOG;
});

describe("the audit's sweeps", () => {
  it('makes up a failed sweep on the next full pass, and repeats no completed one', async () => {
    const day0 = fullPass(0);
    // Never swept: both due.
    const first = await sweepsDue(day0);
    expect(first).toEqual({ launchPermissions: true, pointers: true });
    // The pointers' sweep fails (SSM throttled); the launch permissions' completes.
    await recordCompletedSweeps(report(true), first, day0);
    expect(await lastSweptAt('pointers')).toBeUndefined();
    expect(await lastSweptAt('launch-permissions')).toBe(day0.toISOString());

    // The next day's full pass sweeps the pointers again, not the launch permissions.
    const day1 = fullPass(1);
    const next = await sweepsDue(day1);
    expect(next).toEqual({ launchPermissions: false, pointers: true });
    await recordCompletedSweeps(report(false), next, day1);
    expect(await lastSweptAt('pointers')).toBe(day1.toISOString());

    // A retried run of that pass repeats neither; seven days on, each is due again on its own day.
    expect(await sweepsDue(fullPass(1, 40))).toEqual({ launchPermissions: false, pointers: false });
    expect(await sweepsDue(fullPass(7))).toEqual({ launchPermissions: true, pointers: false });
    expect(await sweepsDue(fullPass(8))).toEqual({ launchPermissions: true, pointers: true });
    // A run after the full pass sweeps nothing, however overdue.
    expect(await sweepsDue(new Date(Date.UTC(2027, 0, 15, 12)))).toEqual({ launchPermissions: false, pointers: false });
  });

  it('never moves the last sweep back when an older run records late', async () => {
    // Written now, after both runs: the later run's record stays.
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
    const later = daysAgo(0);
    await recordCompletedSweeps(report(false), { launchPermissions: true, pointers: true }, later);
    await recordCompletedSweeps(report(false), { launchPermissions: true, pointers: true }, daysAgo(7));
    expect(await lastSweptAt('pointers')).toBe(later.toISOString());
  });

  it('records over a completion no run wrote, more than an hour ahead of the clock', async () => {
    const now = new Date();
    await recordCompletedSweeps(
      report(false),
      { launchPermissions: true, pointers: true },
      new Date(now.getTime() + 300 * 86_400_000),
    );
    await recordCompletedSweeps(report(false), { launchPermissions: true, pointers: true }, now);
    expect(await lastSweptAt('pointers')).toBe(now.toISOString());
  });
});
