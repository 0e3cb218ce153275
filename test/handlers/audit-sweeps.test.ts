import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastSweptAt } from '../../aws/audit/sweep-ledger.js';
import type { AuditPart, AuditReport } from '../../functions/audit/index.js';
import { recordCompletedSweeps, sweepsDue } from '../../functions/audit-holdings.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { catalog } from './promotion-fixtures.js';

/**
 * The audit's sweeps (channel pointers, launch permissions and the pointers' resource policies every 28 days)
 * run when overdue, counted from the last one that completed as the ledger holds it: a sweep that failed is made up by
 * the next full pass instead of waiting its period, and one that completed is not repeated by a retried run or the
 * next day's.
 */

const dynamo = useLocalDynamo();
const part = (failures: string[] = []): AuditPart => ({
  checked: 1,
  reads: 1,
  findings: [],
  failures,
  permanentFailures: 0,
});
const report = (pointersFailed: boolean, policiesFailed = false): AuditReport => ({
  scheduledRevocations: part(),
  rules: part(),
  pointerPolicies: part(policiesFailed ? ['ram eu-west-1: ThrottlingException'] : []),
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
    // Never swept: all due.
    const first = await sweepsDue(day0);
    expect(first).toEqual({ launchPermissions: true, pointers: true, pointerPolicies: true });
    // The pointers' sweep fails (SSM throttled); the launch permissions' and the policies' complete.
    await recordCompletedSweeps(report(true), first, day0);
    expect(await lastSweptAt('pointers')).toBeUndefined();
    expect(await lastSweptAt('launch-permissions')).toBe(day0.toISOString());
    expect(await lastSweptAt('pointer-policies')).toBe(day0.toISOString());

    // The next day's full pass sweeps the pointers again, nothing else.
    const day1 = fullPass(1);
    const next = await sweepsDue(day1);
    expect(next).toEqual({ launchPermissions: false, pointers: true, pointerPolicies: false });
    await recordCompletedSweeps(report(false), next, day1);
    expect(await lastSweptAt('pointers')).toBe(day1.toISOString());

    // A retried run of that pass repeats none; 28 days on, the launch permissions' and the policies' sweeps are due
    // again, the pointers' on its own day, 28 days after it completed.
    const none = { launchPermissions: false, pointers: false, pointerPolicies: false };
    expect(await sweepsDue(fullPass(1, 40))).toEqual(none);
    expect(await sweepsDue(fullPass(8))).toEqual(none);
    expect(await sweepsDue(fullPass(27))).toEqual(none);
    expect(await sweepsDue(fullPass(28))).toEqual({ ...none, launchPermissions: true, pointerPolicies: true });
    expect(await sweepsDue(fullPass(29))).toEqual({ launchPermissions: true, pointers: true, pointerPolicies: true });
    // A run after the full pass sweeps nothing, however overdue.
    expect(await sweepsDue(new Date(Date.UTC(2027, 1, 15, 12)))).toEqual(none);
  });

  it("keeps the policies' sweep due while it fails, whatever the pointers' sweep does", async () => {
    const day0 = fullPass(0);
    await recordCompletedSweeps(report(false, true), await sweepsDue(day0), day0);
    expect(await lastSweptAt('pointers')).toBe(day0.toISOString());
    expect(await lastSweptAt('pointer-policies')).toBeUndefined();
    expect((await sweepsDue(fullPass(1))).pointerPolicies).toBe(true);
  });

  it('never moves the last sweep back when an older run records late', async () => {
    // Written now, after both runs: the later run's record stays.
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
    const later = daysAgo(0);
    await recordCompletedSweeps(
      report(false),
      { launchPermissions: true, pointers: true, pointerPolicies: true },
      later,
    );
    await recordCompletedSweeps(
      report(false),
      { launchPermissions: true, pointers: true, pointerPolicies: true },
      daysAgo(7),
    );
    expect(await lastSweptAt('pointers')).toBe(later.toISOString());
  });

  it('records over a completion no run wrote, more than an hour ahead of the clock', async () => {
    const now = new Date();
    await recordCompletedSweeps(
      report(false),
      { launchPermissions: true, pointers: true, pointerPolicies: true },
      new Date(now.getTime() + 300 * 86_400_000),
    );
    await recordCompletedSweeps(report(false), { launchPermissions: true, pointers: true, pointerPolicies: true }, now);
    expect(await lastSweptAt('pointers')).toBe(now.toISOString());
  });
});
