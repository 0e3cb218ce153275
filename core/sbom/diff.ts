import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import { GoldsmithError } from '../errors.js';
import { withoutEpoch } from '../lifecycle/finding-scope.js';
import type {
  ComponentChange,
  FindingChange,
  ImageContent,
  PackageChange,
  SbomPackage,
  VersionDiff,
  VersionFinding,
} from './model.js';
import { parentName } from './provenance.js';
import { comparePackageVersions, packageTypeOf } from './version-order.js';

/**
 * What one version of an image changes against another: packages, components, recipe, parent and the gate's
 * findings, each list in the order a reader of an approval wants it. Pure.
 */

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const PACKAGE_ORDER: Record<PackageChange['change'], number> = { downgraded: 0, upgraded: 1, added: 2, removed: 3 };
const COMPONENT_ORDER: Record<ComponentChange['change'], number> = { changed: 0, added: 1, removed: 2 };
const SEVERITY_ORDER: Record<VersionFinding['severity'], number> = {
  CRITICAL: 0,
  HIGH: 1,
  MEDIUM: 2,
  LOW: 3,
  INFORMATIONAL: 4,
  UNTRIAGED: 5,
};
const FINDING_ORDER: Record<FindingChange['change'], number> = { fixed: 0, reappeared: 1, new: 2 };

/** Each package name with its installed versions, oldest first (a kernel can be installed at several). */
function installed(packages: readonly SbomPackage[]): Map<string, { type?: string | undefined; versions: string[] }> {
  const out = new Map<string, { type?: string | undefined; versions: string[] }>();
  for (const p of packages) {
    const entry = out.get(p.name) ?? { type: packageTypeOf(p), versions: [] };
    if (!entry.versions.includes(p.version)) entry.versions.push(p.version);
    out.set(p.name, entry);
  }
  for (const entry of out.values()) entry.versions.sort((a, b) => comparePackageVersions(a, b, entry.type));
  return out;
}

const EPOCH = /^\d+:/;

/**
 * Two versions made comparable: Systems Manager Inventory writes a package's epoch and a repository's release notice
 * often leaves it out (`1:3.0.8-1.amzn2023.0.18` against `3.0.16`; core/lifecycle/finding-scope.ts), so an epoch
 * counts only when both versions state one, as core/triggers/package-release.ts `holdsAtLeast` reads a release.
 */
function comparable(a: string, b: string): [string, string] {
  return EPOCH.test(a) === EPOCH.test(b) ? [a, b] : [withoutEpoch(a), withoutEpoch(b)];
}

/**
 * Two version lists of one package (oldest first), compared newest first, element by element: the newest installed
 * version decides, and a list that runs out first is the older (a kernel kept at one version fewer).
 */
function compareInstalled(from: readonly string[], to: readonly string[], type: string | undefined): number {
  const a = [...from].reverse();
  const b = [...to].reverse();
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePackageVersions(...comparable(a[i] ?? '', b[i] ?? ''), type);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * Packages a package manager keeps installed at several versions side by side (dnf's `installonlypkgs`: kernel,
 * kernel-core, kernel-modules, kernel-devel, … and AL2023's `kernel6.12`; Debian's `linux-image-*`, `linux-headers-*`,
 * `linux-modules-*`). Only these may gain an older version beside a newer one as part of an upgrade.
 */
const KERNEL_LIKE = /^(kernel[\d.]*|linux-(image|headers|modules))(-|$)/;

/**
 * Whether TO holds a version of a package (not a kernel-like one) older than the newest FROM held: a component that
 * installs the vulnerable `1:3.0.8` beside an empty package at `9:99` must not read as an upgrade because its newest
 * version is higher. Such a package is a downgrade, whatever else it gained.
 */
function gainedOlder(name: string, from: readonly string[], to: readonly string[], type: string | undefined): boolean {
  if (KERNEL_LIKE.test(name)) return false;
  const newest = from[from.length - 1];
  if (newest === undefined) return false;
  return to.some((v) => !from.includes(v) && comparePackageVersions(...comparable(v, newest), type) < 0);
}

function packageChanges(from: readonly SbomPackage[], to: readonly SbomPackage[]): PackageChange[] {
  const before = installed(from);
  const after = installed(to);
  const changes: PackageChange[] = [];
  for (const [name, was] of before) {
    const now = after.get(name);
    const fromText = was.versions.join(', ');
    if (!now) {
      changes.push({ name, change: 'removed', from: fromText });
      continue;
    }
    const toText = now.versions.join(', ');
    if (fromText === toText) continue;
    const type = now.type ?? was.type;
    if (gainedOlder(name, was.versions, now.versions, type)) {
      changes.push({ name, change: 'downgraded', from: fromText, to: toText });
      continue;
    }
    const c = compareInstalled(was.versions, now.versions, type);
    // Different spellings of one version (`10.0001` and `10.1` to RPM) are no change a reader can act on.
    if (c === 0) continue;
    changes.push({ name, change: c < 0 ? 'upgraded' : 'downgraded', from: fromText, to: toText });
  }
  for (const [name, now] of after) {
    if (!before.has(name)) changes.push({ name, change: 'added', to: now.versions.join(', ') });
  }
  return changes.sort((a, b) => PACKAGE_ORDER[a.change] - PACKAGE_ORDER[b.change] || byName(a, b));
}

function componentChanges(from: ImageContent['components'], to: ImageContent['components']): ComponentChange[] {
  /** A component's versions (or ARNs) on one side, as one string. */
  const side = (list: ImageContent['components'], name: string, field: 'version' | 'arn') =>
    list
      .filter((c) => c.name === name)
      .map((c) => c[field])
      .sort()
      .join(field === 'version' ? ', ' : ' ');
  const names = [...new Set([...from.map((c) => c.name), ...to.map((c) => c.name)])];
  const changes: ComponentChange[] = [];
  for (const name of names) {
    const was = side(from, name, 'version');
    const now = side(to, name, 'version');
    if (!now) changes.push({ name, change: 'removed', from: was });
    else if (!was) changes.push({ name, change: 'added', to: now });
    else if (was !== now) changes.push({ name, change: 'changed', from: was, to: now });
    // Same version, another component (an ARN of another account or a rebuilt Amazon-managed one): show the ARNs.
    else if (side(from, name, 'arn') !== side(to, name, 'arn')) {
      changes.push({ name, change: 'changed', from: side(from, name, 'arn'), to: side(to, name, 'arn') });
    }
  }
  return changes.sort((a, b) => COMPONENT_ORDER[a.change] - COMPONENT_ORDER[b.change] || byName(a, b));
}

/** One finding per id (a list naming an id twice keeps its most severe, with every package named). */
function findingsById(list: readonly VersionFinding[]): Map<string, VersionFinding> {
  const out = new Map<string, VersionFinding>();
  for (const f of list) {
    const seen = out.get(f.id);
    const severity = seen && SEVERITY_ORDER[seen.severity] < SEVERITY_ORDER[f.severity] ? seen.severity : f.severity;
    const packages = [...new Set([...(seen?.packages ?? []), ...f.packages])].sort();
    out.set(f.id, { id: f.id, severity, packages });
  }
  return out;
}

function findingChanges(findings: {
  from: readonly VersionFinding[];
  to: readonly VersionFinding[];
  earlier?: readonly VersionFinding[] | undefined;
}): FindingChange[] {
  const before = findingsById(findings.from);
  const after = findingsById(findings.to);
  const earlier = new Set((findings.earlier ?? []).map((f) => f.id));
  const changes: FindingChange[] = [];
  for (const f of before.values()) {
    if (!after.has(f.id)) changes.push({ ...f, change: 'fixed' });
  }
  for (const f of after.values()) {
    if (!before.has(f.id)) changes.push({ ...f, change: earlier.has(f.id) ? 'reappeared' : 'new' });
  }
  return changes.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      FINDING_ORDER[a.change] - FINDING_ORDER[b.change] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** A recipe parent that is a Goldsmith channel pointer (`ssm:/goldsmith/<image>/<channel>`): a catalog parent. */
const CHANNEL_POINTER = /^ssm:\/goldsmith\/[^/]+\/[^/]+$/;

/** What a side's parent was, and whether that is known: unknown for a catalog parent whose build is not recorded. */
function parentSide(c: ImageContent): { name: string; known: boolean } {
  if (c.parentBuild?.version) return { name: parentName(c), known: true };
  if (c.parentBuild || CHANNEL_POINTER.test(c.parent)) {
    return { name: `${c.parent} at a version not recorded`, known: false };
  }
  return { name: c.parent, known: true };
}

/**
 * The parent's change: a catalog parent compares as the parent build each side was made from (its version and AMI),
 * so a child whose base moved from 1.0.0/3 to 1.0.0/4 through the same pointer shows it. A side whose parent build is
 * not recorded (content from before it was kept) is named as such, never read as unchanged.
 */
function parentChange(from: ImageContent, to: ImageContent): VersionDiff['parent'] {
  const a = parentSide(from);
  const b = parentSide(to);
  return a.name !== b.name || !a.known || !b.known ? { from: a.name, to: b.name } : undefined;
}

function unknownSide(from: ImageContent, to: ImageContent): VersionDiff['packagesUnknown'] {
  const a = from.packageSource === 'none';
  const b = to.packageSource === 'none';
  return a && b ? 'both' : a ? 'from' : b ? 'to' : undefined;
}

/**
 * What `to` changes against `from` (two versions of one image). Packages: downgrades first (the surprising ones),
 * then upgrades, additions, removals, each by name, with both sides' versions (a package installed at several
 * versions, like kernel, lists them all and is ordered by its newest; any other package that gains a version older
 * than the newest it had is a downgrade, however new its other versions). No package list when a side's packages are
 * unknown (`packageSource: 'none'`): `packagesUnknown` names the side. Findings: most severe first (CRITICAL, HIGH,
 * …), and within a severity fixed, then reappeared (new against `from`, but found in an `earlier` version), then new.
 * Absent keys are left out, not undefined, so the diff reads the same after a JSON round trip.
 */
export function diffVersions(
  from: ImageContent,
  to: ImageContent,
  findings: { from: VersionFinding[]; to: VersionFinding[]; earlier?: VersionFinding[] },
): VersionDiff {
  if (from.image !== to.image) {
    throw new GoldsmithError(`cannot diff versions of two images: from is ${from.image}, to is ${to.image}`);
  }
  const unknown = unknownSide(from, to);
  const parent = parentChange(from, to);
  const recipeOf = (c: ImageContent) => `${c.recipe.name}/${c.recipe.version}`;
  return {
    image: to.image,
    from: from.version,
    to: to.version,
    ...(recipeOf(from) !== recipeOf(to) ? { recipe: { from: recipeOf(from), to: recipeOf(to) } } : {}),
    ...(parent ? { parent } : {}),
    components: componentChanges(from.components, to.components),
    packages: unknown ? [] : packageChanges(from.packages, to.packages),
    findings: findingChanges(findings),
    ...(unknown ? { packagesUnknown: unknown } : {}),
  };
}

/** The diff's identity: sha256 (hex) of its canonical JSON, the same however its keys were built or stored. */
export function diffDigest(diff: VersionDiff): string {
  return createHash('sha256').update(canonicalJson(diff)).digest('hex');
}
