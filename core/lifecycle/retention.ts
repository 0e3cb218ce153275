import { compareBuildVersions } from '../promotion/naming.js';

/**
 * The retention decision: which builds of one image to retire (grants removed, AMIs deprecated) and which to delete
 * (AMIs deregistered in every region, snapshots deleted, Image Builder image deleted). Pure and synchronous.
 *
 * A build is *held* — never retired nor deleted — while a channel pointer names it or while it is among the newest
 * `keep` unrevoked versions promoted to any channel; it is not deleted while a live descendant (a child build recorded
 * on it) exists. Builds still on their way (no promotion and no final outcome yet) are never touched.
 */

/** What the ledger says about one build of the image. */
export interface BuildHistory {
  version: string;
  /** Channels it was promoted to, with when. */
  promotions: readonly { channel: string; at: string }[];
  /** When it was settled without any promotion (build failed or cancelled, or every first-channel outcome was
   * rejected / expired / aborted); absent while its build or first promotion is still running. */
  settledAt?: string | undefined;
  revokedAt?: string | undefined;
  retiredAt?: string | undefined;
  deletedAt?: string | undefined;
}

export interface RetentionPolicy {
  /** Promoted versions kept launchable per channel. */
  keep: number;
  /** How long a retired (or revoked) build stays, deprecated, before it is deleted. */
  deleteAfterSeconds: number;
  /** How long a build that was never promoted stays before it is deleted. */
  unpromotedGraceSeconds: number;
}

export interface RetentionInput {
  now: string;
  policy: RetentionPolicy;
  builds: readonly BuildHistory[];
  /** Channel → the version its pointer names now. */
  pointers: Readonly<Record<string, string>>;
  /** Versions a live child build was built on (lineage). */
  heldByDescendants: ReadonlySet<string>;
  /**
   * Versions a member account still runs or launches from (the ledger's latest usage observation): never deleted,
   * and retired without withdrawing their launch permissions.
   */
  inUse?: ReadonlySet<string>;
}

export type HoldReason = 'pointer' | 'retention' | 'descendant' | 'in-use' | 'in-flight' | 'grace';

export interface RetentionPlan {
  /** Promoted builds out of every pointer and retention window: remove their grants, deprecate their AMIs. */
  retire: string[];
  /** Those of `retire` still in use: deprecated, but their launch permissions stay until nobody uses them. */
  keepShared: string[];
  /** Builds whose wait is over: deregister, delete snapshots, delete the Image Builder image. */
  delete: { version: string; reason: string }[];
  /** Why each build still alive and not deleted now stays (first reason that applies). */
  held: Record<string, HoldReason>;
}

const seconds = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 1000;

/** The newest `keep` unrevoked, undeleted versions promoted to each channel, newest promotion first. */
export function withinRetention(builds: readonly BuildHistory[], keep: number): Set<string> {
  const perChannel = new Map<string, { version: string; at: string }[]>();
  for (const b of builds) {
    if (b.revokedAt || b.deletedAt) continue;
    for (const p of b.promotions) {
      const list = perChannel.get(p.channel) ?? [];
      list.push({ version: b.version, at: p.at });
      perChannel.set(p.channel, list);
    }
  }
  const kept = new Set<string>();
  for (const list of perChannel.values()) {
    list.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || compareBuildVersions(b.version, a.version));
    for (const entry of list.slice(0, keep)) kept.add(entry.version);
  }
  return kept;
}

/** Decides retirement and deletion for one image's builds at `now`. */
export function planRetention(input: RetentionInput): RetentionPlan {
  const { now, policy } = input;
  const pointed = new Set(Object.values(input.pointers));
  const retained = withinRetention(input.builds, policy.keep);
  const plan: RetentionPlan = { retire: [], keepShared: [], delete: [], held: {} };
  const used = input.inUse ?? new Set<string>();
  for (const b of [...input.builds].sort((x, y) => compareBuildVersions(x.version, y.version))) {
    if (b.deletedAt) continue;
    const hold: HoldReason | undefined = pointed.has(b.version)
      ? 'pointer'
      : retained.has(b.version)
        ? 'retention'
        : undefined;
    if (hold) {
      plan.held[b.version] = hold;
      continue;
    }
    const promoted = b.promotions.length > 0;
    // Retiring (unshare, deprecate) is safe whatever children exist: their AMIs are their own.
    if (promoted && !b.revokedAt && !b.retiredAt) {
      plan.retire.push(b.version);
      if (used.has(b.version)) plan.keepShared.push(b.version);
    }
    if (input.heldByDescendants.has(b.version)) {
      plan.held[b.version] = 'descendant';
      continue;
    }
    // Deregistering an AMI a fleet still runs would break its Auto Scaling groups: it waits until nobody does.
    if (used.has(b.version)) {
      plan.held[b.version] = 'in-use';
      continue;
    }
    // The clock towards deletion starts when the build left its last hold: revoked, retired, or settled unpromoted.
    const [since, wait, why] = b.revokedAt
      ? [b.revokedAt, policy.deleteAfterSeconds, 'revoked']
      : promoted
        ? [b.retiredAt, policy.deleteAfterSeconds, 'retired']
        : [b.settledAt, policy.unpromotedGraceSeconds, 'never promoted'];
    if (since === undefined) {
      plan.held[b.version] = promoted ? 'grace' : 'in-flight';
    } else if (seconds(since, now) >= wait) {
      plan.delete.push({ version: b.version, reason: `${why} at ${since}, kept ${formatDays(wait)}` });
    } else {
      plan.held[b.version] = 'grace';
    }
  }
  return plan;
}

function formatDays(s: number): string {
  const days = s / 86_400;
  return Number.isInteger(days) ? `${days}d` : `${Math.round(s / 3600)}h`;
}

/**
 * The version a channel rolls back to when `from` is revoked (or an operator rolls back): the newest version
 * promoted to that channel before `from` that is still launchable (not revoked, retired or deleted), or the one the
 * operator asked for if it qualifies. Undefined when there is none: the pointer is withdrawn.
 */
export function rollbackTarget(
  builds: readonly BuildHistory[],
  channel: string,
  from: string,
  requested?: string,
): string | undefined {
  const candidates = builds
    .filter((b) => !b.revokedAt && !b.retiredAt && !b.deletedAt && b.version !== from)
    .filter((b) => b.promotions.some((p) => p.channel === channel))
    .filter((b) => compareBuildVersions(b.version, from) < 0)
    .map((b) => b.version)
    .sort((a, b) => compareBuildVersions(b, a));
  if (requested !== undefined) return candidates.includes(requested) ? requested : undefined;
  return candidates[0];
}
