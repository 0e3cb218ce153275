import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { buildLines, patchDayCatalog, promotedLines, RECONCILER_PERIOD_MS, run, scenarioBetween } from './helpers.js';

// March's patch day, Thursday 11 March 2027: the base build at 03:00 UTC (London is on GMT until the 28th), AVAILABLE
// about an hour later, promoted to dev at once and to prod an hour after that (approvals: auto).
const catalog = patchDayCatalog();
const DAY = Date.parse('2027-03-11T00:00:00Z');
const HOUR = 3_600_000;
const OUTAGE_MS = 90 * 60_000;

// From the afternoon before (the reconciler's look-back holds no earlier firing) until `until`.
const scenario = (until: string, outages: { service: string; from: string; until: string }[]) =>
  scenarioBetween('2027-03-10T12:00:00Z', until, { faults: { outages } });

/** DynamoDB down for 90 minutes from `hour`:00 of patch day. */
const ledgerDownAt = (hour: number) => ({
  service: 'dynamodb',
  from: new Date(DAY + hour * HOUR).toISOString(),
  until: new Date(DAY + hour * HOUR + OUTAGE_MS).toISOString(),
});

// The clean run ends over an hour after the last window's reconciler deadline. Each window's run ends where its
// assertions stop needing it: an hour after the reconciler's deadline for what the window deferred (a recovery later
// than that leaves `recoveredAt` null, which fails), and never before 08:00 of patch day, when the clean day's build
// and promotions are over (its prod promotion is at 04:52).
const CLEAN_UNTIL = '2027-03-12T08:00:00Z';
const windowUntil = (hour: number) =>
  new Date(Math.max(DAY + 8 * HOUR, DAY + hour * HOUR + OUTAGE_MS + RECONCILER_PERIOD_MS + HOUR)).toISOString();

// 25 short runs (a clean one and one per hour: a day and a half of one image at most), not 24 quarters: about 9 s of
// CPU and 25 s of wall time for the file (`npx vitest run --reporter=./scripts/file-times.ts` on this file), the
// SDK's retries of each failed ledger call waiting on the simulated clock.
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

describe('the ledger down for 90 minutes from each hour of patch day', () => {
  let clean: SimulationResult;
  const outages = new Map<number, SimulationResult>();

  beforeAll(async () => {
    clean = await run(catalog, scenario(CLEAN_UNTIL, []));
    for (const hour of HOURS) outages.set(hour, await run(catalog, scenario(windowUntil(hour), [ledgerDownAt(hour)])));
  }, 300_000);

  it('builds and promotes what the clean day does, whatever the hour', () => {
    expect(buildLines(clean)).toEqual(['base 1.0.0/1 schedule AVAILABLE']);
    expect(promotedLines(clean)).toEqual(['base 1.0.0/1 dev', 'base 1.0.0/1 prod']);
    for (const [hour, outage] of outages) {
      expect(buildLines(outage), `${hour}:00`).toEqual(buildLines(clean));
      expect(promotedLines(outage), `${hour}:00`).toEqual(promotedLines(clean));
    }
  });

  it('finishes everything each window deferred within a reconciler period of its end', () => {
    const lags = [...outages].map(([hour, outage]) => {
      const [window] = outage.report.faults.outages;
      expect(window?.recoveredAt, `${hour}:00`).not.toBeNull();
      return Date.parse(window?.recoveredAt ?? '') - Date.parse(window?.until ?? '');
    });
    expect(lags).toHaveLength(24);
    // Most hours have work on the ledger to fail (the patch build, its promotions, the daily and hourly jobs).
    expect(
      [...outages.values()].filter((o) => (o.report.faults.outages[0]?.callsFailed ?? 0) > 0).length,
    ).toBeGreaterThan(12);
    for (const lag of lags) expect(lag).toBeLessThanOrEqual(RECONCILER_PERIOD_MS);
    // The window over the patch build's 03:00 firing loses it unrecorded; the reconciler's next run issues it.
    const patchFiring = outages.get(2);
    expect(patchFiring?.report.faults.outages[0]?.deferred).toBeGreaterThan(0);
    expect(patchFiring?.report.rejectedEvents).toContainEqual(
      expect.objectContaining({
        recovered: { at: '2027-03-11T06:00:00.000Z', by: 'the reconciler, which issued its change' },
      }),
    );
  });

  it("retries each failed ledger call as the functions' SDK does, before the call counts as failed", () => {
    // Six attempts per call (aws/clients/retry.ts): every failed attempt but a call's last is followed by a retry.
    for (const [hour, outage] of outages) {
      // A service's own rate limit (CloudTrail's two lookups a second) refuses attempts the SDK retries too.
      const { injected, throttled, retried, failedCalls } = outage.report.faults;
      expect(retried, `${hour}:00`).toBe(injected + throttled - failedCalls);
      expect(injected, `${hour}:00`).toBeGreaterThanOrEqual(6 * failedCalls);
    }
  });

  it('ends every run consistent, no outcome naming a transient error', () => {
    for (const [hour, outage] of outages) {
      expect(outage.report.consistency.problems, `${hour}:00`).toEqual([]);
      expect(outage.report.consistency.checks?.['no-transient-outcomes'], `${hour}:00`).toBe(2);
    }
  });
});
