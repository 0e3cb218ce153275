/**
 * The event history's daily read (functions/audit-history.ts) is what lets the full sweeps of launch permissions,
 * channel pointers and functions wait 28 days. Should it stop completing in a Region (CloudTrail refusing or
 * throttling it: "two per second, per account, per Region",
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html, which anyone in the account
 * can use up, or more writes than a run can page through), nothing between sweeps would find a change made without a
 * trail. So while it is behind, those sweeps fall back to every day.
 */

/** How long a Region's history may go unread before the sweeps fall back: one missed daily run, and a margin. */
export const HISTORY_BEHIND_AFTER_MS = 2 * 86_400_000;

/**
 * The Regions among `regions` whose event history was last read (its window's end, `ends`) more than
 * {@link HISTORY_BEHIND_AFTER_MS} before `now`, or never.
 */
export function historyBehindIn(
  ends: Readonly<Record<string, string>>,
  regions: readonly string[],
  now: Date,
): string[] {
  return [...new Set(regions)].filter((region) => {
    const end = Date.parse(ends[region] ?? '');
    return Number.isNaN(end) || now.getTime() - end > HISTORY_BEHIND_AFTER_MS;
  });
}

/**
 * How many days a sweep of period `everyDays` waits given the history: its own period while the history is read,
 * every day while it is behind in a Region the sweep covers.
 */
export const sweepPeriodDays = (everyDays: number, behind: readonly string[]): number =>
  behind.length > 0 ? Math.min(everyDays, 1) : everyDays;
