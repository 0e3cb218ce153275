/**
 * What an image version is made of, and what changed between two versions: the shapes the SBOM writers
 * (CycloneDX, SPDX), the store, the operator commands and the approval request share. Types only; pure.
 */

/** One package of the image as built: an operating-system package (AMI) or a package Inspector found (container). */
export interface SbomPackage {
  name: string;
  /** As the source wrote it, epoch included when it had one (`1:3.0.8-1.amzn2023.0.18`). */
  version: string;
  /** The ecosystem, for the package URL (`rpm`, `deb`, `npm`, `pypi`, …); `generic` when unknown. */
  type?: string | undefined;
}

/** One component of the image's recipe, as Image Builder names it. */
export interface SbomComponent {
  name: string;
  version: string;
  /** The component build version's ARN (an Amazon-managed or a Goldsmith component). */
  arn: string;
  /**
   * The ARN the recipe names when it names a version filter (`…/update-linux/x.x.x`) that GetComponent resolved to
   * `arn` and `version`. A filter that could not be resolved stays the component's `arn`, its `version` the filter.
   */
  requested?: string | undefined;
}

/**
 * The parent build a child image was made from: its parent image's version, as the channel pointer it follows named
 * it when Image Builder created the build, and the AMI that version has in the build's Region.
 */
export interface ParentBuild {
  /** The catalog image and channel the child follows (`base`, `prod`). */
  image: string;
  channel: string;
  /** The parent's Image Builder version (`1.0.0/4`); absent when it could not be told (`unknown` says why). */
  version?: string | undefined;
  /** The parent version's AMI in the Region the child was built in, when the ledger records its pointer move. */
  ami?: string | undefined;
  unknown?: string | undefined;
}

/** What a version was built from and with. */
export interface ImageContent {
  /** The catalog's image name, e.g. `base`. */
  image: string;
  /** Image Builder's version of the build, e.g. `1.0.0/3`. */
  version: string;
  kind: 'ami' | 'container';
  /** The image build version ARN. */
  buildVersionArn: string;
  /** When the build became available (ISO time): the SBOM's timestamp, so a rewrite is byte-identical. */
  builtAt: string;
  /** The recipe and its version (`arn:…:image-recipe/goldsmith-base/1.0.0` → name and `1.0.0`). */
  recipe: { name: string; version: string };
  /** The parent image as the recipe names it: an AMI id, an Image Builder image ARN, or `docker:amazonlinux:2023`. */
  parent: string;
  /** The parent build of a child of a catalog image; absent for other parents and in content recorded before it was. */
  parentBuild?: ParentBuild | undefined;
  /**
   * The operating system as GetImage's `osVersion` names it ("Amazon Linux 2023"), what the packages' supplier and
   * `distro` are read from (distribution.ts); absent in content recorded before it was kept.
   */
  osVersion?: string | undefined;
  components: SbomComponent[];
  /** Sorted by name, then version. */
  packages: SbomPackage[];
  /**
   * Where the packages come from: `imagebuilder` (ListImagePackages), `inspector` (an SBOM export), or `none` (a
   * container image Inspector does not cover: components and parent only, said so in the SBOM).
   */
  packageSource: 'imagebuilder' | 'inspector' | 'none';
}

/** One of the gate's findings of a version (the ledger's `FINDINGS#<version>#<id>`). */
export interface VersionFinding {
  /** The CVE or Inspector's vulnerability id. */
  id: string;
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNTRIAGED';
  /** `name version` of the vulnerable packages, when the finding names them. */
  packages: string[];
}

export type PackageChangeKind = 'added' | 'removed' | 'upgraded' | 'downgraded';

export interface PackageChange {
  name: string;
  change: PackageChangeKind;
  /** The version(s) in FROM, absent when added. */
  from?: string | undefined;
  /** The version(s) in TO, absent when removed. */
  to?: string | undefined;
}

export interface ComponentChange {
  name: string;
  change: 'added' | 'removed' | 'changed';
  from?: string | undefined;
  to?: string | undefined;
}

export interface FindingChange {
  id: string;
  severity: VersionFinding['severity'];
  /** `fixed`: in FROM, not in TO. `new`: in TO, not in FROM. `reappeared`: new, and fixed before in the image's history. */
  change: 'fixed' | 'new' | 'reappeared';
  packages: string[];
}

/** What TO changes against FROM: every list ordered for a reader (most severe and most telling first). */
export interface VersionDiff {
  image: string;
  from: string;
  to: string;
  recipe?: { from: string; to: string } | undefined;
  parent?: { from: string; to: string } | undefined;
  components: ComponentChange[];
  packages: PackageChange[];
  findings: FindingChange[];
  /** A side whose packages are unknown (`packageSource: 'none'`): the package list is then not a diff. */
  packagesUnknown?: 'from' | 'to' | 'both' | undefined;
}
