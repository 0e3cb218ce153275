/**
 * Which version of the parent a child's build was made from: the version the parent's channel pointer named when
 * Image Builder created the build (GetImage `dateCreated`), replayed from the ledger's record of the pointer's
 * moves (Publish's `POINTER#`, revocation's and rollback's `ROLLBACK#`). Not the pointer's value when the build's
 * first event is handled: by then a revocation may have rolled it back or withdrawn it. Pure.
 */

/** One change of a channel pointer: moved to `version` (Publish, a rollback) or withdrawn (`null`) at `at`. */
export interface PointerChange {
  at: string;
  version: string | null;
}

/** The parent version a build was made from, or why it cannot be told (the build is then held, not trusted). */
export type ParentVersion = { version: string } | { unknown: string };

/**
 * The version `changes` say the pointer `label` named at `createdAt`: the last change at or before it. With no change
 * recorded at all (a ledger older than its pointer history), the pointer as it is now. Unknown when the build's time
 * is not given, when no change is recorded before it, or when the pointer was withdrawn then.
 */
export function parentVersionAt(
  label: string,
  changes: readonly PointerChange[],
  createdAt: string | undefined,
  now: string | undefined,
): ParentVersion {
  if (changes.length === 0) {
    return now ? { version: now } : { unknown: `parent version unknown: ${label} names no version` };
  }
  const t = createdAt ? Date.parse(createdAt) : Number.NaN;
  if (Number.isNaN(t)) return { unknown: `parent version unknown: the build's creation time is not known` };
  const before = changes
    .filter((c) => Date.parse(c.at) <= t)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .at(-1);
  if (!before) return { unknown: `parent version unknown: no move of ${label} is recorded before ${createdAt}` };
  if (before.version === null) {
    return { unknown: `parent version unknown: ${label} was withdrawn at ${before.at}, before ${createdAt}` };
  }
  return { version: before.version };
}

/**
 * Whether a build's ledger item already holds its lineage: `parent` recorded (the parent build, why its version is
 * unknown, or `null` for an image without a parent). The first answer stays (`if_not_exists`), so once it is there
 * the parent's pointer history is not read again for the build's later statuses.
 */
export function lineageRecorded(item: Readonly<Record<string, unknown>>): boolean {
  return item.parent !== undefined;
}
