import type { LaunchGrant } from './grants.js';

/**
 * Retired versions kept shared for their users (retention's `keepShared`), pure. A version that left every pointer
 * and every channel's retention while a member account still runs or launches from it is deprecated but stays
 * launchable for its users, and only for them: the accounts its latest usage observation names that the channels it
 * was promoted to still reach in the organization as held now. Never an OU or the organization (a new account there
 * must not start on a retired version), never an account that left the organization or a channel's targets.
 */

/** One retired version's users, and the accounts the channels it was promoted to reach now. */
export interface RetiredUse {
  /** Accounts the latest usage observation names (those still running or launching from it). */
  users: readonly string[];
  /** Active member accounts the version's channels reach in the organization as held now. */
  reached: readonly string[];
}

/** The accounts a retired version stays launchable by: its users still reached by one of its channels, sorted. */
export function retiredUsers(use: RetiredUse): string[] {
  const reached = new Set(use.reached);
  return [...new Set(use.users)].filter((a) => reached.has(a)).sort();
}

/** Those accounts as launch grants (by account id only). */
export function retiredUserGrants(use: RetiredUse): LaunchGrant[] {
  return retiredUsers(use).map((UserId) => ({ UserId }));
}

/**
 * Which retired versions are kept shared: retired, neither deleted nor revoked, still in use (the latest usage
 * observation), and not released by an operator (`goldsmith lifecycle release`: its deletion goes ahead and its
 * users are not waited for). Sorted.
 */
export function retiredSharedVersions(
  builds: readonly { version: string; retiredAt?: string | undefined; deletedAt?: string | undefined }[],
  inUse: ReadonlySet<string>,
  revoked: ReadonlySet<string>,
  released: ReadonlySet<string>,
): string[] {
  return builds
    .filter((b) => b.retiredAt && !b.deletedAt && inUse.has(b.version))
    .filter((b) => !revoked.has(b.version) && !released.has(b.version))
    .map((b) => b.version)
    .sort();
}

/**
 * Retired versions that were kept shared for their users (a hold was recorded while they were in use) and are kept
 * shared no more: every user moved off them (a rollout, a rollback, a team's own refresh) or an operator released
 * them. Launchable by nobody from then on, though they wait, deprecated, for their deletion. Neither deleted nor
 * revoked (a revocation withdrew their grants itself). Sorted.
 */
export function formerlySharedVersions(
  builds: readonly { version: string; retiredAt?: string | undefined; deletedAt?: string | undefined }[],
  keptShared: ReadonlySet<string>,
  heldInUse: ReadonlySet<string>,
  revoked: ReadonlySet<string>,
): string[] {
  return builds
    .filter((b) => b.retiredAt && !b.deletedAt && heldInUse.has(b.version))
    .filter((b) => !keptShared.has(b.version) && !revoked.has(b.version))
    .map((b) => b.version)
    .sort();
}
