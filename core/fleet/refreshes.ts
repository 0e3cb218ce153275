import type { LedgerItem } from '../status/image-view.js';
import { rolloutRecordsOf } from '../status/rollout-records.js';

/**
 * What a rollout's refreshes say about who runs which version. EC2's usage reports are read a day after they are
 * asked for (functions/lifecycle/usage.ts), so after a rollout the last report of an account can predate the
 * refresh that moved it: the fleet would count it on the version it left. An instance refresh Auto Scaling reported
 * `Successful` in a wave that ended healthy replaced the group's instances with the rolled-out AMI (a refresh is
 * Successful only once it replaced them and baked, https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html):
 * newer evidence than a report asked for before it. Pure.
 */

/** One account and Region a rollout refreshed, to its version, confirmed at the end of the wave. */
export interface ConfirmedRefresh {
  account: string;
  region: string;
  version: string;
  at: string;
}

/**
 * The account-Regions the image's rollouts moved to their version: each group Successful in a wave that ended
 * healthy (a failed or rolled-back wave put its groups back), when no group of that account and Region was skipped
 * (a tagged group left on its version: the account may still run the old one there).
 */
export function confirmedRefreshes(items: readonly LedgerItem[]): ConfirmedRefresh[] {
  const out: ConfirmedRefresh[] = [];
  for (const r of rolloutRecordsOf(items)) {
    const skipped = new Set(r.skippedGroups.map((g) => `${g.account} ${g.region}`));
    for (const w of r.waves) {
      if (w.state !== 'healthy' || !w.endedAt) continue;
      for (const g of w.groups) {
        if (g.status !== 'Successful' || skipped.has(`${g.account} ${g.region}`)) continue;
        out.push({ account: g.account, region: g.region, version: r.version, at: w.endedAt });
      }
    }
  }
  return out;
}

type Use = { instances?: number | undefined; launchTemplates?: number | undefined };

/** A usage reading, dated by when its report was asked for (`askedAt`: what it describes, at the earliest). */
export interface DatedReading {
  version: string;
  region: string;
  observedAt: string;
  askedAt: string;
  accounts: Record<string, Use>;
}

/**
 * The readings with each account's use moved to the version a confirmed refresh put it on, where the refresh ended
 * after the report was asked for: counted on the refresh's version from the wave's end (`observedAt`), with the use
 * its report counted, until a report asked for after the refresh says what the account runs.
 */
export function withRefreshes(readings: readonly DatedReading[], refreshes: readonly ConfirmedRefresh[]) {
  const latest = new Map<string, ConfirmedRefresh>();
  for (const f of refreshes) {
    const key = `${f.account} ${f.region}`;
    const seen = latest.get(key);
    if (!seen || Date.parse(f.at) > Date.parse(seen.at)) latest.set(key, f);
  }
  const moved = new Map<string, DatedReading>();
  const kept = readings.map((o) => {
    const accounts: Record<string, Use> = {};
    for (const [account, use] of Object.entries(o.accounts)) {
      const f = latest.get(`${account} ${o.region}`);
      if (!f || f.version === o.version || Date.parse(f.at) <= Date.parse(o.askedAt)) {
        accounts[account] = use;
        continue;
      }
      const key = `${f.version} ${o.region} ${f.at}`;
      const to = moved.get(key) ?? {
        version: f.version,
        region: o.region,
        observedAt: f.at,
        askedAt: f.at,
        accounts: {},
      };
      const was = to.accounts[account];
      to.accounts[account] = {
        instances: (was?.instances ?? 0) + (use.instances ?? 0),
        launchTemplates: (was?.launchTemplates ?? 0) + (use.launchTemplates ?? 0),
      };
      moved.set(key, to);
    }
    return { ...o, accounts };
  });
  return [...kept, ...moved.values()];
}
