import { buildSk } from '../ledger/keys.js';

/**
 * Retention's lineage hold (`heldByDescendants` in retention.ts): a version of an image is not deleted while a live
 * build of a child image was built on it. Pure: the daily sweep reads each child's builds once, in the child's own
 * pass (children are swept before their parents), and hands them to the parent's pass as that pass left them.
 */

/** A child image's build as the lineage hold reads it (`BUILD#<version>`): deleted or not, and its parent build. */
export interface ChildBuild {
  sk: string;
  deletedAt?: string | undefined;
  parent?: { image: string; buildVersion?: string | undefined } | null | undefined;
}

/** The versions of `image` that live (undeleted) builds among `childBuilds` were built on. */
export function versionsBuiltOn(image: string, childBuilds: readonly ChildBuild[]): Set<string> {
  const held = new Set<string>();
  for (const b of childBuilds) {
    if (!b.deletedAt && b.parent?.image === image && b.parent.buildVersion) held.add(b.parent.buildVersion);
  }
  return held;
}

/**
 * A child's builds, read before its pass, as the pass left them: the versions it deleted (`deleted`, at `at`) are
 * deleted, so they hold no parent version in the parent's pass of the same sweep. Only the fields the hold reads.
 */
export function buildsAfterPass(builds: readonly ChildBuild[], deleted: readonly string[], at: string): ChildBuild[] {
  const gone = new Set(deleted.map(buildSk));
  return builds.map(({ sk, deletedAt, parent }) => ({
    sk,
    deletedAt: deletedAt ?? (gone.has(sk) ? at : undefined),
    parent,
  }));
}
