import { compareBuildVersions } from '../promotion/naming.js';
import type { PromotionPlan } from '../promotion/types.js';
import { builtOnRevokedReason } from './lineage-hold.js';
import { type BuildHistory, rollbackTarget } from './retention.js';

/** What revoking one version does to each channel pointer that names it. */
export type PointerMove =
  | { channel: string; action: 'roll-back'; to: string }
  | { channel: string; action: 'withdraw'; reason: string };

/** A child image that follows one of this image's channels. */
export interface ChildLink {
  image: string;
  channel: string;
}

/** The catalog images whose parent is `image`, with the channel each follows. Pure. */
export function childrenOf(image: string, plans: Readonly<Record<string, PromotionPlan>>): ChildLink[] {
  return Object.values(plans).flatMap((p) =>
    p.parent?.image === image ? [{ image: p.image, channel: p.parent.channel }] : [],
  );
}

export interface RevocationPlan {
  /** Pointer moves, one per channel whose pointer names the revoked version. */
  moves: PointerMove[];
  /** Children to rebuild from the rolled-back parent: those that follow a channel whose pointer moved. */
  rebuild: string[];
}

/**
 * Decides what revoking `version` does: every channel pointer that names it rolls back to the newest earlier
 * version promoted to that channel that is still launchable, or is withdrawn when there is none; every child image
 * following one of those channels is rebuilt on what the pointer names now. Pure.
 */
export function planRevocation(input: {
  version: string;
  builds: readonly BuildHistory[];
  pointers: Readonly<Record<string, string>>;
  children: readonly ChildLink[];
}): RevocationPlan {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral,ObjectLiteral: rollbackTarget never picks the version it leaves, so how that version is marked changes no plan
  const builds = input.builds.map((b) => (b.version === input.version ? { ...b, revokedAt: b.revokedAt ?? 'now' } : b));
  const moves: PointerMove[] = [];
  for (const [channel, named] of Object.entries(input.pointers)) {
    if (named !== input.version) continue;
    const to = rollbackTarget(builds, channel, input.version);
    moves.push(
      to
        ? { channel, action: 'roll-back', to }
        : { channel, action: 'withdraw', reason: `no earlier launchable version was promoted to ${channel}` },
    );
  }
  const moved = new Set(moves.filter((m) => m.action === 'roll-back').map((m) => m.channel));
  const rebuild = [...new Set(input.children.filter((c) => moved.has(c.channel)).map((c) => c.image))];
  return { moves, rebuild };
}

/** Which way an operator's rollback moves a channel's pointer: to an older version, or to a newer one. */
export type RollbackDirection = 'back' | 'forward';

/**
 * An operator's rollback of one channel: to `requested` if it is a launchable version (not revoked, retired or
 * deleted) promoted to that channel, older or newer than the current one (a newer one is a roll-forward: a rollback
 * taken back), else to the newest earlier such version.
 * @returns the version to point at and which way the pointer moves, or a reason the rollback cannot be done.
 */
export function planRollback(input: {
  channel: string;
  builds: readonly BuildHistory[];
  current: string | undefined;
  requested?: string | undefined;
  /** The image, to name the command that sends a version through the channel's gates instead. */
  image?: string | undefined;
  /** Versions whose revocation was taken back (`goldsmith restore`): they may go through the gates again. */
  restored?: ReadonlySet<string> | undefined;
}): { to: string; direction: RollbackDirection } | { refused: string } {
  if (!input.current) return { refused: `${input.channel} names no version: nothing to roll back` };
  if (input.requested === undefined) {
    const to = rollbackTarget(input.builds, input.channel, input.current);
    return to
      ? { to, direction: 'back' }
      : { refused: `no earlier launchable version was promoted to ${input.channel}` };
  }
  const why = whyNotTarget({ ...input, current: input.current, requested: input.requested });
  if (why) return { refused: `${input.requested} is not a launchable version promoted to ${input.channel}: ${why}` };
  const direction = compareBuildVersions(input.requested, input.current) > 0 ? 'forward' : 'back';
  return { to: input.requested, direction };
}

/**
 * Why the version an operator asked a rollback to does not qualify, in the order an operator checks; undefined when
 * it does (it passed the channel's gates once and is still launchable).
 */
function whyNotTarget(input: {
  channel: string;
  builds: readonly BuildHistory[];
  current: string;
  requested: string;
  image?: string | undefined;
  restored?: ReadonlySet<string> | undefined;
}): string | undefined {
  const { channel, current, requested } = input;
  const build = input.builds.find((b) => b.version === requested);
  if (!build) return 'no such build of the image';
  if (requested === current) return `${channel} names it already`;
  if (build.deletedAt) return `it was deleted at ${build.deletedAt}`;
  if (build.revokedAt) return `it is revoked (since ${build.revokedAt}); goldsmith restore takes a revocation back`;
  if (build.retiredAt) return `retention retired it at ${build.retiredAt} (no longer launchable)`;
  if (build.promotions.some((p) => p.channel === channel)) return undefined;
  const image = input.image ?? 'IMAGE';
  if (input.restored?.has(requested)) {
    return (
      `it was never promoted to ${channel}; a restored version goes through every channel's gates again with ` +
      `goldsmith promote ${image} ${requested} --through-gates --reason R`
    );
  }
  return (
    `it was never promoted to ${channel}: it reaches ${channel} only through a promotion that passes ` +
    `${channel}'s gates (goldsmith history ${image} shows where its promotion stands)`
  );
}

/** One build of a child image, as lineage recorded it. */
export interface LineageBuild {
  version: string;
  parent?: { image: string; buildVersion?: string | undefined } | null | undefined;
  deletedAt?: string | undefined;
}

/** A descendant version a revocation revokes too, with the reason it is given. */
export interface DescendantRevocation {
  image: string;
  version: string;
  reason: string;
}

/**
 * The child versions built on the revoked `version` of `image` (recorded lineage; deleted builds are gone already),
 * each revoked with the reason "parent <image> <version> revoked: <reason>". Only called when the catalog asks
 * (`revocation.descendants: 'revoke'`, or a cascade already under way). Pure.
 */
export function descendantRevocations(input: {
  image: string;
  version: string;
  reason: string;
  children: readonly { image: string; builds: readonly LineageBuild[] }[];
}): DescendantRevocation[] {
  const reason = `parent ${input.image} ${input.version} revoked: ${input.reason}`;
  return input.children.flatMap((child) =>
    child.builds
      .filter((b) => b.parent?.image === input.image && b.parent.buildVersion === input.version && !b.deletedAt)
      .map((b) => ({ image: child.image, version: b.version, reason })),
  );
}

/** A version built on revoked content: a child of the revoked version, or a child of one, at any depth. */
export interface BuiltOnRevoked {
  image: string;
  version: string;
  /** "built on revoked base 1.0.0/5", and for a farther descendant "… (through hardened 1.0.0/5)", its own parent. */
  reason: string;
  /** The child of the revoked image it descends through (itself, for a child): the channel that child follows. */
  child: ChildLink;
  /** The image it was built on and that image's channel it follows (for a child, the revoked image). */
  parent: ChildLink;
}

/**
 * The catalog images below `image` (its children, theirs…), children before grandchildren: the images whose builds
 * may be built on a version of it. Pure.
 */
export function descendantImagesOf(image: string, plans: Readonly<Record<string, PromotionPlan>>): string[] {
  const found: string[] = [];
  let generation = [image];
  while (generation.length > 0) {
    const next = generation.flatMap((i) => childrenOf(i, plans).map((c) => c.image)).filter((c) => !found.includes(c));
    found.push(...new Set(next));
    generation = [...new Set(next)];
  }
  return found;
}

/**
 * Every version whose recorded lineage (parent, grandparent, …) includes the revoked `version` of `image`, in
 * lineage order (its children, then their children…), each with the reason its flag gives, as a promotion's own
 * lineage hold words it (core/lifecycle/lineage-hold.ts). A deleted build is gone already, and not named, but what
 * was built on it still was built on revoked content. `builds` holds the builds of each descendant image
 * (`descendantImagesOf`). Pure.
 */
export function builtOnRevoked(input: {
  image: string;
  version: string;
  plans: Readonly<Record<string, PromotionPlan>>;
  builds: Readonly<Record<string, readonly LineageBuild[]>>;
}): BuiltOnRevoked[] {
  const root = builtOnRevokedReason(input.image, input.version);
  const found: BuiltOnRevoked[] = [];
  const seen = new Set<string>();
  let generation: { image: string; version: string; child?: ChildLink }[] = [input];
  while (generation.length > 0) {
    const next: (BuiltOnRevoked & { deleted: boolean })[] = [];
    for (const parent of generation) {
      for (const link of childrenOf(parent.image, input.plans)) {
        for (const b of input.builds[link.image] ?? []) {
          if (b.parent?.image !== parent.image || b.parent.buildVersion !== parent.version) continue;
          if (seen.has(`${link.image} ${b.version}`)) continue;
          seen.add(`${link.image} ${b.version}`);
          const through = parent.child ? ` (through ${parent.image} ${parent.version})` : '';
          const reason = `${root}${through}`;
          next.push({
            image: link.image,
            version: b.version,
            reason,
            child: parent.child ?? link,
            parent: { image: parent.image, channel: link.channel },
            deleted: !!b.deletedAt,
          });
        }
      }
    }
    found.push(...next.filter((d) => !d.deleted).map(({ deleted: _, ...d }) => d));
    generation = next;
  }
  return found;
}
