import { describe, expect, it } from 'vitest';
import { GOLDSMITH_VERSION } from '../../../core/release/index.js';
import { toCycloneDx } from '../../../core/sbom/cyclonedx.js';
import { DISTRIBUTIONS, distributionOf } from '../../../core/sbom/distribution.js';
import { packageUrl } from '../../../core/sbom/package-identity.js';
import { toSpdx } from '../../../core/sbom/spdx.js';
import { baseContent, childContent } from '../../fixtures/sbom.js';

/**
 * NTIA's minimum elements (https://www.ntia.gov/files/ntia/publications/sbom_minimum_elements_report.pdf) in both
 * documents: each package's supplier, name, version and unique identifier (a purl with the distribution's `distro`),
 * the author, tool and timestamp of the SBOM.
 */

interface SpdxDoc {
  creationInfo: { creators: string[]; created: string };
  packages: {
    SPDXID: string;
    supplier?: string;
    versionInfo?: string;
    externalRefs?: { referenceLocator: string }[];
  }[];
}
interface Bom {
  metadata: { authors: { name: string }[]; tools: { components: { name: string; version: string }[] } };
  components: { name: string; supplier?: { name: string }; properties?: { name: string; value: string }[] }[];
}

describe('packageUrl in an image of a distribution', () => {
  const al2023 = DISTRIBUTIONS.find((d) => d.name === 'Amazon Linux 2023');

  it("adds the distribution's distro qualifier to its packages, qualifiers sorted by key", () => {
    expect(packageUrl({ name: 'openssl', version: '1:3.0.8-1.amzn2023.0.18.x86_64' }, al2023)).toBe(
      'pkg:rpm/amazon/openssl@3.0.8-1.amzn2023.0.18?arch=x86_64&distro=amzn-2023&epoch=1',
    );
    expect(packageUrl({ name: 'left-pad', version: '1.3.0', type: 'npm' }, al2023)).toBe('pkg:npm/left-pad@1.3.0');
  });

  it('reads the distribution from GetImage osVersion, else from the releases of content recorded without it', () => {
    expect(distributionOf({ osVersion: 'Amazon Linux 2', packages: [] })?.purlDistro).toBe('amzn-2');
    expect(distributionOf(baseContent('1.0.0/1'))?.purlDistro).toBe('amzn-2023');
    expect(distributionOf({ osVersion: 'Microsoft Windows Server 2022', packages: [] })).toBeUndefined();
  });
});

describe('NTIA minimum elements', () => {
  it('every SPDX package names its supplier, name, version and purl; the document its author, tool and time', () => {
    const doc = toSpdx(childContent()) as SpdxDoc;

    expect(doc.creationInfo.creators).toEqual([
      'Organization: AWS account 123456789012',
      `Tool: goldsmith-${GOLDSMITH_VERSION}`,
    ]);
    expect(doc.creationInfo.created).toBe('2026-11-01T08:00:00Z');
    const packages = doc.packages.filter((p) => p.SPDXID.startsWith('SPDXRef-Package-'));
    expect(packages.length).toBeGreaterThan(0);
    for (const p of packages) {
      expect(p).toMatchObject({ supplier: 'Organization: Amazon Web Services', versionInfo: expect.any(String) });
      expect(p.externalRefs?.[0]?.referenceLocator).toMatch(/^pkg:rpm\/amazon\/.+distro=amzn-2023/);
    }
    const named = (id: string) => doc.packages.find((p) => p.SPDXID === id);
    expect(named('SPDXRef-Image')).toMatchObject({ supplier: 'Organization: AWS account 123456789012' });
    expect(named('SPDXRef-Component-1-update-linux')).toMatchObject({
      supplier: 'Organization: Amazon Web Services',
      versionInfo: '1.0.2/1',
    });
    expect(named('SPDXRef-Parent')).toMatchObject({
      name: 'base 1.0.0/4 (ami-0aaaaaaaaaaaaaaa4)',
      versionInfo: '1.0.0/4',
      supplier: 'Organization: AWS account 123456789012',
    });
  });

  it('every CycloneDX component names its supplier; the metadata its authors, tool with its release and time', () => {
    const bom = toCycloneDx(childContent()) as Bom;

    expect(bom.metadata.authors).toEqual([{ name: 'AWS account 123456789012' }]);
    expect(bom.metadata.tools.components).toEqual([
      { type: 'application', name: 'goldsmith', version: GOLDSMITH_VERSION },
    ]);
    for (const c of bom.components) expect(c.supplier?.name, c.name).toMatch(/^(Amazon Web Services|AWS account)/);
    expect(bom.components.find((c) => c.name === 'update-linux')?.properties).toContainEqual({
      name: 'goldsmith:recipeComponentArn',
      value: 'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x',
    });
  });

  it('a package whose supplier the content does not show says NOASSERTION, not a guess', () => {
    const doc = toSpdx(baseContent('1.0.0/1', { packages: [{ name: 'left-pad', version: '1.3.0', type: 'npm' }] }));

    expect((doc as { packages: { name: string; supplier: string }[] }).packages).toContainEqual(
      expect.objectContaining({ name: 'left-pad', supplier: 'NOASSERTION' }),
    );
  });
});
