/**
 * Which findings count against a version. A finding counts only when it is about the version's own content:
 * - the factory's own scan of the build (Image Builder's "CVE Detected" and ListImageScanFindings, matched by the
 *   full image build version ARN the ledger recorded), or
 * - a package vulnerability on an instance anywhere in the organization, launched from one of the version's own AMIs,
 *   whose vulnerable package at that version is in the image's package inventory as built (ListImagePackages).
 * Anything else on such an instance (a package a team installed later, a network finding) is the team's: a fleet
 * finding, recorded and announced, never a reason to abort, revoke or rebuild. Pure.
 */

/** An image's packages as built: package name → the versions Image Builder listed for it. */
export type PackageInventory = ReadonlyMap<string, readonly string[]>;

/** Inspector's vulnerable package (https://docs.aws.amazon.com/inspector/v2/APIReference/API_VulnerablePackage.html). */
export interface VulnerablePackage {
  name: string;
  version: string;
  release?: string | undefined;
  epoch?: number | undefined;
  /** `OS` for an operating-system package; NPM, PIP, JAR, GOBINARY, … for a language package. */
  packageManager?: string | undefined;
}

/** Drops an RPM/Debian epoch (`1:3.0.8-1` → `3.0.8-1`): inventories and findings do not agree on writing it. */
export const withoutEpoch = (v: string): string => v.replace(/^\d+:/, '');

/**
 * Whether a vulnerable package, at the version Inspector saw, is one the image was built with. Inspector splits
 * the version into `version`, `release` and `epoch`; an inventory writes `version-release` or `version` alone. So
 * the inventory's version (epoch dropped) must equal `version-release`, or `version` itself when Inspector gave no
 * release: the whole version, never a prefix of it. A member account's instance reports its own packages to
 * Inspector (Systems Manager Inventory, written with the instance's credentials), so a team that installs `3.0.2`
 * of its own over the image's `3.0.2-0ubuntu1.15` must not make the finding the image's, nor revoke it everywhere:
 * a version that does not spell the image's exactly is the fleet's. A package of the same name at another version is
 * not the image's. The inventory holds the operating system's packages only (Image Builder lists them from Systems
 * Manager Inventory, https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ListImagePackages.html), so a
 * language package (Inspector's `packageManager` other than `OS`) whose name and version happen to match one is
 * never the image's.
 */
export function builtWith(inventory: PackageInventory, pkg: VulnerablePackage): boolean {
  if (pkg.packageManager !== undefined && pkg.packageManager !== 'OS') return false;
  const versions = inventory.get(pkg.name);
  if (!versions) return false;
  const version = withoutEpoch(pkg.version);
  const whole = pkg.release ? `${version}-${pkg.release}` : version;
  return versions.some((raw) => withoutEpoch(raw) === whole);
}

/** What the factory knows about where an instance finding comes from. */
export interface InstanceFindingFacts {
  /** The account of the factory (the account in the recorded build ARN). */
  factoryAccount: string;
  /** `account` of the EventBridge event: where AWS delivered it from. */
  eventAccount: string;
  /** `detail.awsAccountId`: the account that owns the instance. */
  resourceAccount: string;
  /** Whether the resource account is an active account of the organization (checked with Organizations). */
  inOrganization: boolean;
  /** PACKAGE_VULNERABILITY, NETWORK_REACHABILITY, … */
  type: string;
  vulnerablePackages: readonly VulnerablePackage[];
  inventory: PackageInventory;
}

/** The verdict on one instance finding. */
export type FindingScope =
  | { scope: 'image'; reason: string }
  | { scope: 'fleet'; reason: string }
  | { scope: 'refused'; reason: string };

/**
 * Decides whether an Inspector finding on an instance launched from one of a version's AMIs counts against that
 * version (`image`), is the instance owner's (`fleet`), or is not accepted at all (`refused`: an account outside
 * the organization, or an event AWS did not deliver as the owner's or the factory's own).
 *
 * As Inspector's delegated administrator, the factory receives its members' findings on its own default bus
 * (https://docs.aws.amazon.com/inspector/latest/user/findings-managing-automating-responses.html): the event's
 * `account` is then the factory's or the member's, and `awsAccountId` names the instance's owner.
 */
export function scopeOfInstanceFinding(f: InstanceFindingFacts): FindingScope {
  if (f.eventAccount !== f.factoryAccount && f.eventAccount !== f.resourceAccount) {
    return {
      scope: 'refused',
      reason: `delivered from account ${f.eventAccount}, neither the factory's nor the instance owner's (${f.resourceAccount})`,
    };
  }
  if (f.resourceAccount !== f.factoryAccount && !f.inOrganization) {
    return { scope: 'refused', reason: `account ${f.resourceAccount} is not an active account of the organization` };
  }
  if (f.type !== 'PACKAGE_VULNERABILITY') {
    return { scope: 'fleet', reason: `a ${f.type} finding is about the instance's configuration, not the image` };
  }
  const built = f.vulnerablePackages.filter((p) => builtWith(f.inventory, p));
  if (built.length > 0) {
    return { scope: 'image', reason: `${built.map((p) => `${p.name} ${p.version}`).join(', ')} built into the image` };
  }
  const named = f.vulnerablePackages.map((p) => `${p.name} ${p.version}`).join(', ') || 'no package named';
  return { scope: 'fleet', reason: `${named}: not in the image's package inventory as built` };
}

/**
 * A TAB, a line end or any other control character (Unicode's `Cc`, and the line and paragraph separators U+2028 and
 * U+2029): what no package manager puts in a name or version, and what would let a name forge lines of an inventory
 * (`zz\nopenssl`) or of a diff a reviewer reads.
 */
const UNSAFE = /[\p{Cc}\u2028\u2029]/u;

/**
 * The packages whose name and version are printable (non-empty, no control character), and how many were not. A
 * package named with a control character was put there to mislead: it is left out of the inventory, not repaired.
 */
export function safePackages<P extends { name: string; version: string }>(
  packages: readonly P[],
): { kept: P[]; skipped: number } {
  const kept = packages.filter(
    (p) => p.name !== '' && p.version !== '' && !UNSAFE.test(p.name) && !UNSAFE.test(p.version),
  );
  return { kept, skipped: packages.length - kept.length };
}

/**
 * One line per package, `name<TAB>version`, sorted: compact in the ledger and stable across re-deliveries. A package
 * `safePackages` would leave out is left out here too, so no name can add a line.
 */
export function encodeInventory(packages: readonly { name: string; version: string }[]): string {
  const lines = new Set(safePackages(packages).kept.map((p) => `${p.name}\t${p.version}`));
  return [...lines].sort().join('\n');
}

/** The inventory `encodeInventory` wrote (parts joined in order). */
export function decodeInventory(text: string): PackageInventory {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const name = line.slice(0, tab);
    const versions = out.get(name) ?? [];
    versions.push(line.slice(tab + 1));
    out.set(name, versions);
  }
  return out;
}

/**
 * Splits an encoded inventory into parts of at most `maxBytes` (UTF-8), at line ends, so each fits in one ledger
 * item (a DynamoDB item is at most 400 KB, names and values together:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-items). A single line
 * longer than `maxBytes` is cut (a package name and version are at most a few hundred bytes in practice).
 */
export function splitInventory(text: string, maxBytes: number): string[] {
  // Stryker disable next-line ConditionalExpression: the loop below also turns an empty text into one empty part
  if (text === '') return [''];
  const parts: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const raw of text.split('\n')) {
    let line = raw;
    while (Buffer.byteLength(line, 'utf8') > maxBytes) line = line.slice(0, -1);
    const bytes = Buffer.byteLength(line, 'utf8') + (current.length > 0 ? 1 : 0);
    if (size + bytes > maxBytes && current.length > 0) {
      parts.push(current.join('\n'));
      current = [];
      size = 0;
    }
    size += Buffer.byteLength(line, 'utf8') + (current.length > 0 ? 1 : 0);
    current.push(line);
  }
  parts.push(current.join('\n'));
  return parts;
}
