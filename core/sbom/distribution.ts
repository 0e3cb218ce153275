import type { ImageContent } from './model.js';

/**
 * The operating-system distribution an image is built on, and what an SBOM says because of it: who supplies its
 * packages (NTIA's "supplier name", https://www.ntia.gov/files/ntia/publications/sbom_minimum_elements_report.pdf),
 * the package URL's vendor namespace and `distro` qualifier. One table: a distribution Goldsmith builds on is one row.
 * Pure.
 */
export interface Distribution {
  /** As Image Builder's GetImage `osVersion` names it ("Amazon Linux 2023"). */
  name: string;
  /** The organization that supplies its packages. */
  supplier: string;
  /** The package type of its packages. */
  packageType: 'rpm' | 'deb';
  /** The purl namespace: the vendor, lowercased (https://packageurl.org/types/rpm-definition.json). */
  purlNamespace: string;
  /**
   * The purl `distro` qualifier: os-release's `ID-VERSION_ID`, as the purl specification's rpm example spells Fedora
   * 25 (`distro=fedora-25`, https://github.com/package-url/purl-spec/blob/main/docs/types/definitions/rpm-definition.md)
   * and as scanners read Amazon Linux's (`amzn-2023`; /etc/os-release has `ID="amzn"`, `VERSION_ID="2023"`).
   */
  purlDistro: string;
  /** Whether GetImage's `osVersion` names this distribution. */
  osVersion: RegExp;
  /** Whether a package's release names this distribution (`…amzn2023…`), for content recorded without `osVersion`. */
  release: RegExp;
}

export const DISTRIBUTIONS: readonly Distribution[] = [
  {
    name: 'Amazon Linux 2023',
    supplier: 'Amazon Web Services',
    packageType: 'rpm',
    purlNamespace: 'amazon',
    purlDistro: 'amzn-2023',
    osVersion: /^Amazon Linux 2023\b/i,
    release: /\.amzn2023\b/,
  },
  {
    name: 'Amazon Linux 2',
    supplier: 'Amazon Web Services',
    packageType: 'rpm',
    purlNamespace: 'amazon',
    purlDistro: 'amzn-2',
    osVersion: /^Amazon Linux 2(?!\d)/i,
    release: /\.amzn2(?!\d)/,
  },
];

/** Who supplies what is not a distribution's package: AWS-managed Image Builder resources (owner `aws`). */
export const AWS_SUPPLIER = 'Amazon Web Services';

/**
 * The distribution of an image: the one GetImage's `osVersion` names, else the one most of its packages' releases
 * name (content recorded before `osVersion` was), else undefined (an SBOM then makes no assertion about suppliers).
 */
export function distributionOf(content: Pick<ImageContent, 'osVersion' | 'packages'>): Distribution | undefined {
  if (content.osVersion) return DISTRIBUTIONS.find((d) => d.osVersion.test(content.osVersion ?? ''));
  let best: { d: Distribution; n: number } | undefined;
  for (const d of DISTRIBUTIONS) {
    const n = content.packages.filter((p) => d.release.test(p.version)).length;
    if (n > 0 && n > (best?.n ?? 0)) best = { d, n };
  }
  return best?.d;
}
