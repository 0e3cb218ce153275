/**
 * A package release counts as built only once a build holds it. A build started for "package X at version V" claims
 * the marker `package:<image>:X@V` (see `dedupeKeyFor`); if the build, once AVAILABLE, does not hold X at V or above
 * (an announcement of a version not yet released, or not yet in the repository the build installs from), the claim
 * must be released so the real release builds when it is announced, instead of being skipped as its duplicate.
 */

/** The package release a build's dedupe key claimed: `package:<image>:<name>@<version>`, else undefined. */
export function packageClaimOf(dedupeKey: string, image: string): { name: string; version: string } | undefined {
  const prefix = `package:${image}:`;
  if (!dedupeKey.startsWith(prefix)) return undefined;
  const rest = dedupeKey.slice(prefix.length);
  // A version holds no `@`; a name may (a scoped name such as `@acme/agent`): split at the last one.
  const at = rest.lastIndexOf('@');
  if (at <= 0 || at === rest.length - 1) return undefined;
  return { name: rest.slice(0, at), version: rest.slice(at + 1) };
}

interface RpmVersion {
  epoch: number | undefined;
  version: string;
  release: string | undefined;
}

/** `[epoch:]version[-release]`, as Systems Manager Inventory and RPM write a package's version. */
function parseRpmVersion(text: string): RpmVersion {
  const colon = text.indexOf(':');
  const epochText = colon > 0 && /^\d+$/.test(text.slice(0, colon)) ? text.slice(0, colon) : undefined;
  const rest = epochText === undefined ? text : text.slice(colon + 1);
  const dash = rest.lastIndexOf('-');
  return {
    epoch: epochText === undefined ? undefined : Number(epochText),
    version: dash > 0 ? rest.slice(0, dash) : rest,
    release: dash > 0 ? rest.slice(dash + 1) : undefined,
  };
}

/** Compares two version strings segment by segment, as RPM does: digits numerically, letters lexically, digits newer. */
export function compareVersionSegments(a: string, b: string): number {
  const segments = (s: string) => s.match(/\d+|[A-Za-z]+/g) ?? [];
  const left = segments(a);
  const right = segments(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] as string;
    const y = right[i] as string;
    const xNum = /^\d/.test(x);
    const yNum = /^\d/.test(y);
    if (xNum !== yNum) return xNum ? 1 : -1;
    const order = xNum ? Math.sign(Number(x) - Number(y)) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return Math.sign(left.length - right.length);
}

/**
 * Whether a held package version is at or above the announced one. Only what the announcement states is compared:
 * an announcement without an epoch ignores the held epoch, one without a release compares versions alone
 * (`3.0.16` is held by `1:3.0.16-1.amzn2023.0.1`).
 */
export function holdsAtLeast(held: string, announced: string): boolean {
  const h = parseRpmVersion(held);
  const a = parseRpmVersion(announced);
  if (a.epoch !== undefined && (h.epoch ?? 0) !== a.epoch) return (h.epoch ?? 0) > a.epoch;
  const byVersion = compareVersionSegments(h.version, a.version);
  if (byVersion !== 0 || a.release === undefined) return byVersion >= 0;
  return compareVersionSegments(h.release ?? '', a.release) >= 0;
}

/** What a build's package inventory says about the release its build claimed. */
export type PackageReleaseCheck =
  | { held: true; version: string }
  | {
      held: false;
      /** The versions of the package the build holds (empty: not in the build at all). */
      holds: readonly string[];
    };

/**
 * Whether a build holds package `name` at `version` or above, from its inventory as built (package name → the
 * versions listed, as ListImagePackages gives them).
 */
export function checkPackageRelease(
  inventory: ReadonlyMap<string, readonly string[]>,
  name: string,
  version: string,
): PackageReleaseCheck {
  const versions = inventory.get(name) ?? [];
  const holding = versions.find((v) => holdsAtLeast(v, version));
  return holding === undefined ? { held: false, holds: versions } : { held: true, version: holding };
}
