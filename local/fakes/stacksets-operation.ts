import type { OperationPreferences } from './stacksets-types.js';

/**
 * How a StackSets operation we start paces its accounts, per Region, as StackSetOperationPreferences documents it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html):
 * - the failure tolerance is `FailureToleranceCount`, or `FailureTolerancePercentage` of the Region's accounts rounded
 *   down, 0 by default; past it the operation stops in that Region, and with SEQUENTIAL Regions (the default) no
 *   later Region is attempted;
 * - the most accounts at once is `MaxConcurrentCount`, or `MaxConcurrentPercentage` rounded down (1 at least), 1 by
 *   default;
 * - STRICT_FAILURE_TOLERANCE (the default) runs at most tolerance + 1 accounts at once, one fewer per failure (so 10 %
 *   tolerance below 10 accounts deploys one account at a time); SOFT_FAILURE_TOLERANCE runs the maximum whatever fails.
 * Instances the operation never reached are CANCELLED (OUTDATED).
 */

/** What the CANCELLED instances of a stopped operation say. */
export const CANCELLED_REASON = 'Cancelled since failure tolerance has exceeded';

/** One Region's limits for `accounts` accounts. */
export function regionLimits(
  p: OperationPreferences,
  accounts: number,
): { tolerance: number; maxConcurrent: number; strict: boolean } {
  const share = (percent: number) => Math.floor((percent * accounts) / 100);
  const tolerance = p.FailureToleranceCount ?? share(p.FailureTolerancePercentage ?? 0);
  const maxConcurrent =
    p.MaxConcurrentCount ??
    (p.MaxConcurrentPercentage === undefined ? 1 : Math.max(1, share(p.MaxConcurrentPercentage)));
  return {
    tolerance,
    maxConcurrent,
    strict: (p.ConcurrencyMode ?? 'STRICT_FAILURE_TOLERANCE') === 'STRICT_FAILURE_TOLERANCE',
  };
}

/** One account's stack in the operation: when it ended and whether it failed. */
export interface StackRun {
  end: number;
  failed: boolean;
}

/** What one Region's part of the operation did: when it ended, whether it stopped, the accounts it never reached. */
export interface RegionRun {
  end: number;
  stopped: boolean;
  cancelled: string[];
}

/**
 * Runs `accounts` (in order) in one Region from `start`, at most as many at once as the limits allow: an account
 * starts when a slot frees, failures count once their stack has ended, and once they pass the tolerance no account
 * starts any more.
 */
export async function runRegion(
  accounts: readonly string[],
  p: OperationPreferences,
  start: number,
  run: (account: string, at: number) => Promise<StackRun>,
): Promise<RegionRun> {
  const { tolerance, maxConcurrent, strict } = regionLimits(p, accounts.length);
  let cursor = start;
  let failures = 0;
  let end = start;
  let running: StackRun[] = [];
  // The earliest end among the running stacks: until the cursor reaches it, nothing has ended (a Region runs
  // thousands of accounts, hundreds at once).
  let earliest = Number.POSITIVE_INFINITY;
  const settle = () => {
    if (cursor < earliest) return;
    failures += running.filter((r) => r.end <= cursor && r.failed).length;
    running = running.filter((r) => r.end > cursor);
    earliest = running.reduce((min, r) => Math.min(min, r.end), Number.POSITIVE_INFINITY);
  };
  const allowed = () => (strict ? Math.max(1, Math.min(maxConcurrent, tolerance + 1 - failures)) : maxConcurrent);
  for (const [i, account] of accounts.entries()) {
    settle();
    while (failures <= tolerance && running.length >= allowed()) {
      cursor = earliest;
      settle();
    }
    if (failures > tolerance) return { end: Math.max(end, cursor), stopped: true, cancelled: accounts.slice(i) };
    const r = await run(account, cursor);
    end = Math.max(end, r.end);
    running.push(r);
    earliest = Math.min(earliest, r.end);
  }
  cursor = end;
  settle();
  return { end, stopped: failures > tolerance, cancelled: [] };
}
