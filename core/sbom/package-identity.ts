import { createHash } from 'node:crypto';
import { type Distribution, distributionOf } from './distribution.js';
import type { ImageContent, SbomPackage } from './model.js';
import { comparePackageVersions, packageTypeOf } from './version-order.js';

/**
 * What both SBOM writers (CycloneDX, SPDX) say the same way about a package: its package URL, whether it is a library,
 * the order packages are written in, and the name-based UUIDs that make a document's identity repeatable. Pure.
 */

/** What an SBOM of a container image Inspector does not cover says in place of its packages. */
export const PACKAGES_UNKNOWN =
  'unknown: Amazon Inspector does not cover this container image; only its recipe components and parent are listed';

const enc = (s: string) => encodeURIComponent(s);

/** An architecture Amazon Linux and RHEL append to an RPM's release (`…amzn2023.0.18.x86_64`). */
const RPM_ARCH = /\.(x86_64|aarch64|noarch|i686|armv7hl|ppc64le|s390x)$/;

/**
 * The rpm type's vendor (its purl namespace, "the vendor such as Fedora or OpenSUSE … must be lowercased",
 * https://packageurl.org/types/rpm-definition.json): the image's distribution's when it is an rpm distribution, else
 * read from the release's distribution tag (Amazon's when it names no other).
 */
function rpmVendor(release: string, distribution: Distribution | undefined): string {
  if (distribution?.packageType === 'rpm') return distribution.purlNamespace;
  if (/\.el\d/.test(release)) return 'redhat';
  if (/\.fc\d/.test(release)) return 'fedora';
  return 'amazon';
}

/** Qualifiers as the purl's canonical form writes them: sorted by key ("Sort this list of qualifier strings lexicographically", https://github.com/package-url/purl-spec/blob/main/docs/specification/how-to-build.md). */
function query(qualifiers: Record<string, string | undefined>): string {
  const pairs = Object.entries(qualifiers)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${enc(v)}`);
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/**
 * The package URL of a package (purl, https://github.com/package-url/purl-spec: `pkg:type/namespace/name@version?
 * qualifiers`), in an image of `distribution`. rpm: the namespace is the vendor, the version "the combined version and
 * release", the epoch a qualifier ("when the epoch exists we strongly encourage using it") and `arch` when the
 * version names one (https://packageurl.org/types/rpm-definition.json). A package of the image's distribution carries
 * its `distro` qualifier (the spec's examples: `pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25`,
 * `pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie`), e.g.
 * `pkg:rpm/amazon/openssl@3.0.8-1.amzn2023.0.18?distro=amzn-2023&epoch=1`. deb: `pkg:deb/debian|ubuntu/name@version`.
 * Any other type: a namespace before the name's last `/` (npm's `@scope/name`); an unknown type is `generic`.
 */
export function packageUrl(p: SbomPackage, distribution?: Distribution): string {
  const type = packageTypeOf(p) ?? 'generic';
  const distro = distribution?.packageType === type ? distribution.purlDistro : undefined;
  if (type === 'rpm') {
    const colon = p.version.indexOf(':');
    const epoch = colon > 0 && /^\d+$/.test(p.version.slice(0, colon)) ? p.version.slice(0, colon) : undefined;
    let version = epoch === undefined ? p.version : p.version.slice(colon + 1);
    const arch = RPM_ARCH.exec(version)?.[1];
    if (arch) version = version.slice(0, -(arch.length + 1));
    return `pkg:rpm/${rpmVendor(version, distribution)}/${enc(p.name)}@${enc(version)}${query({ arch, distro, epoch })}`;
  }
  if (type === 'deb') {
    const vendor =
      distribution?.packageType === 'deb' ? distribution.purlNamespace : /ubuntu/.test(p.version) ? 'ubuntu' : 'debian';
    return `pkg:deb/${vendor}/${enc(p.name)}@${enc(p.version)}${query({ distro })}`;
  }
  const slash = p.name.lastIndexOf('/');
  const namespace = slash > 0 ? `${p.name.slice(0, slash).split('/').map(enc).join('/')}/` : '';
  return `pkg:${enc(type)}/${namespace}${enc(p.name.slice(slash + 1))}@${enc(p.version)}`;
}

const LANGUAGE_TYPES = new Set(['npm', 'pypi', 'maven', 'gem', 'golang', 'cargo', 'nuget', 'composer', 'hex', 'pub']);

/** A library (a language package, or an OS package named as a library: `lib…`, `…-libs`), else an application. */
function isLibrary(p: SbomPackage): boolean {
  return LANGUAGE_TYPES.has(packageTypeOf(p) ?? '') || /^lib|-libs?$/.test(p.name);
}

/** A package as both writers write it. */
export interface WrittenPackage {
  name: string;
  version: string;
  purl: string;
  library: boolean;
  /** Who supplied it: the image's distribution's vendor for its packages, undefined when not known. */
  supplier?: string | undefined;
}

/**
 * The packages as written: each name and version once, by name, then version in the package manager's order, with
 * its purl and whether it is a library.
 */
export function writtenPackages(content: ImageContent): WrittenPackage[] {
  const distribution = distributionOf(content);
  const seen = new Map<string, SbomPackage>();
  for (const p of content.packages) seen.set(`${p.name}\u0000${p.version}`, p);
  return [...seen.values()]
    .sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : comparePackageVersions(a.version, b.version, packageTypeOf(a)),
    )
    .map((p) => ({
      name: p.name,
      version: p.version,
      purl: packageUrl(p, distribution),
      library: isLibrary(p),
      supplier: distribution && distribution.packageType === packageTypeOf(p) ? distribution.supplier : undefined,
    }));
}

/** The recipe's components as written: by name, then version. */
export function orderedComponents(content: ImageContent): ImageContent['components'] {
  return [...content.components].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0,
  );
}

/** RFC 4122's URL namespace (6ba7b811-9dad-11d1-80b4-00c04fd430c8), for name-based UUIDs of ARNs. */
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/**
 * A name-based (version 5, SHA-1) UUID of `name` (RFC 4122 4.3): the same name always gives the same UUID, so a
 * rewritten SBOM keeps its serial number and namespace.
 */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(URL_NAMESPACE).update(name).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
