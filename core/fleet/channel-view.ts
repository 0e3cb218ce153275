import type { LedgerItem } from '../status/image-view.js';
import { UNKNOWN_OU } from './compliance.js';
import { currentUsage, LAGGING, standingsAgainst, type VersionStanding } from './view.js';

/**
 * The fleet of one image per channel and OU: for each OU, the channel's accounts and instances on the version its
 * pointer names (current), the one before (one behind), older, revoked, retired ones, from the ledger's last usage
 * observations. Pure: `goldsmith fleet --channel/--ou` and the simulator's report read it.
 */

export interface OuFleet {
  image: string;
  channel: string;
  ou: string;
  /** Distinct accounts of the OU that run any version of the image (each once, whatever it runs). */
  accounts: number;
  /** Per standing: distinct accounts and instances (an account on two versions counts under both). */
  standings: Partial<Record<VersionStanding, { accounts: number; instances: number }>>;
  /** Accounts on a lagging standing (view.ts `LAGGING`: older, revoked, retired, never promoted): the ones to chase. */
  laggards: string[];
}

/**
 * Per OU, one channel's accounts of an image by standing. `accounts` is the channel's accounts (from its targets
 * resolved against the organization); undefined counts every account the observations name (no organization
 * held). `ouOf` names an account's OU (its parent), `unknown` when the organization does not hold it.
 */
export function channelFleet(
  image: string,
  channel: string,
  items: readonly LedgerItem[],
  accounts: ReadonlySet<string> | undefined,
  ouOf: (account: string) => string | undefined,
): OuFleet[] {
  const { standingOf } = standingsAgainst(channel, items);
  const byOu = new Map<string, Map<VersionStanding, { accounts: Set<string>; instances: number }>>();
  const laggards = new Map<string, Set<string>>();
  const users = new Map<string, Set<string>>();
  for (const u of currentUsage(items)) {
    const standing = standingOf(u.version);
    for (const [account, use] of Object.entries(u.accounts)) {
      if (accounts && !accounts.has(account)) continue;
      if ((use.instances ?? 0) + (use.launchTemplates ?? 0) <= 0) continue;
      const ou = ouOf(account) ?? UNKNOWN_OU;
      const standings = byOu.get(ou) ?? new Map();
      const s = standings.get(standing) ?? { accounts: new Set<string>(), instances: 0 };
      s.accounts.add(account);
      users.set(ou, (users.get(ou) ?? new Set()).add(account));
      s.instances += use.instances ?? 0;
      standings.set(standing, s);
      byOu.set(ou, standings);
      if (LAGGING.has(standing)) laggards.set(ou, (laggards.get(ou) ?? new Set()).add(account));
    }
  }
  return [...byOu]
    .map(([ou, standings]) => ({
      image,
      channel,
      ou,
      accounts: users.get(ou)?.size ?? 0,
      standings: Object.fromEntries(
        [...standings].map(([k, v]) => [k, { accounts: v.accounts.size, instances: v.instances }]),
      ),
      laggards: [...(laggards.get(ou) ?? [])].sort(),
    }))
    .sort((a, b) => a.ou.localeCompare(b.ou));
}
