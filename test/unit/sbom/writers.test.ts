import { describe, expect, it } from 'vitest';
import { toCycloneDx } from '../../../core/sbom/cyclonedx.js';
import { nameBasedUuid, packageUrl } from '../../../core/sbom/package-identity.js';
import { toSpdx } from '../../../core/sbom/spdx.js';
import { baseContent, childContent, legacyContent, patchedContent } from '../../fixtures/sbom.js';
import { cycloneDxProblems, spdxProblems } from '../../helpers/sbom-validation.js';

/** A container image Inspector does not cover: no packages, its parent a Docker image. */
const box = () =>
  baseContent('2.0.0/1', {
    image: 'box',
    kind: 'container',
    buildVersionArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-box/2.0.0/1',
    parent: 'docker:amazonlinux:2023',
    packages: [],
    packageSource: 'none',
  });

interface Component {
  type: string;
  'bom-ref': string;
  name: string;
  version?: string;
  purl?: string;
  properties?: { name: string; value: string }[];
}
interface Bom {
  serialNumber: string;
  metadata: { timestamp: string; component: Component };
  components: Component[];
  dependencies: { ref: string; dependsOn: string[] }[];
}
interface SpdxDoc {
  documentNamespace: string;
  creationInfo: { created: string };
  packages: { SPDXID: string; name: string; externalRefs?: { referenceLocator: string }[]; comment?: string }[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

describe('packageUrl', () => {
  it('writes an Amazon Linux rpm with its version-release and its epoch as a qualifier', () => {
    expect(packageUrl({ name: 'openssl', version: '1:3.0.8-1.amzn2023.0.18', type: 'rpm' })).toBe(
      'pkg:rpm/amazon/openssl@3.0.8-1.amzn2023.0.18?epoch=1',
    );
    expect(packageUrl({ name: 'bash', version: '5.2.15-1.amzn2023.0.2.x86_64', type: 'rpm' })).toBe(
      'pkg:rpm/amazon/bash@5.2.15-1.amzn2023.0.2?arch=x86_64',
    );
  });

  it('writes a scoped npm package with its namespace encoded and an unknown type as generic', () => {
    expect(packageUrl({ name: '@aws-sdk/client-s3', version: '3.1.0', type: 'npm' })).toBe(
      'pkg:npm/%40aws-sdk/client-s3@3.1.0',
    );
    expect(packageUrl({ name: 'tool', version: '1.0' })).toBe('pkg:generic/tool@1.0');
  });

  it("takes an untyped package's type from its release (Image Builder's lists name none)", () => {
    expect(packageUrl({ name: 'glibc', version: '2.34-52.amzn2023.0.11' })).toBe(
      'pkg:rpm/amazon/glibc@2.34-52.amzn2023.0.11',
    );
    expect(packageUrl({ name: 'openssl', version: '3.0.13-0ubuntu3.4' })).toBe(
      'pkg:deb/ubuntu/openssl@3.0.13-0ubuntu3.4',
    );
  });
});

describe('nameBasedUuid', () => {
  it('is RFC 4122 version 5 of the URL namespace (as Python uuid.uuid5 gives it)', () => {
    expect(nameBasedUuid('arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/3')).toBe(
      '951f8a7c-3e2b-5107-a1ea-6af8b30ff956',
    );
  });
});

describe.each([
  ["the CycloneDX 1.6 schema (the CycloneDX library's strict validator)", toCycloneDx, cycloneDxProblems],
  ['the SPDX 2.3 JSON schema and the specification', toSpdx, async (doc: unknown) => spdxProblems(doc)],
] as const)('validity against %s', (_name, write, problems) => {
  it.each([
    ['an AMI', patchedContent('1.0.0/4')],
    ['a child AMI with its parent build and a resolved component', childContent()],
    ['a container without packages', box()],
    ['content recorded before osVersion and the parent build were kept', legacyContent()],
  ])('holds for %s', async (_kind, content) => {
    expect(await problems(write(content))).toEqual([]);
  });
});

describe('toCycloneDx', () => {
  it('the schema check catches a broken document (a component without a name)', async () => {
    const bom = toCycloneDx(baseContent('1.0.0/3')) as Bom;
    const broken = { ...bom, components: [{ type: 'library' }] };

    expect((await cycloneDxProblems(broken)).join('\n')).toContain("must have required property 'name'");
  });

  it('describes the image, its packages with purls, its components with ARNs, its parent and what it depends on', () => {
    const bom = toCycloneDx(patchedContent('1.0.0/4')) as Bom;

    expect(bom.metadata.component).toMatchObject({ type: 'operating-system', name: 'base', version: '1.0.0/4' });
    expect(bom.metadata.timestamp).toBe('2026-11-01T08:00:00.000Z');
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    const kernels = bom.components.filter((c) => c.name === 'kernel');
    expect(kernels.map((c) => c.purl)).toEqual([
      'pkg:rpm/amazon/kernel@6.1.112-122.189.amzn2023?distro=amzn-2023',
      'pkg:rpm/amazon/kernel@6.1.115-126.197.amzn2023?distro=amzn-2023',
    ]);
    expect(bom.components.find((c) => c.name === 'openssl-libs')?.type).toBe('library');
    expect(bom.components.find((c) => c.name === 'update-linux')?.['bom-ref']).toBe(
      'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.2/1',
    );
    expect(bom.components.find((c) => c.name === 'ami-0123456789abcdef0')?.type).toBe('operating-system');
    expect(bom.dependencies).toEqual([
      { ref: bom.metadata.component['bom-ref'], dependsOn: bom.components.map((c) => c['bom-ref']) },
    ]);
  });

  it('says a container image has no known packages', () => {
    const bom = toCycloneDx(box()) as Bom;

    expect(bom.metadata.component.type).toBe('container');
    expect(bom.metadata.component.properties).toContainEqual({
      name: 'goldsmith:packages',
      value: expect.stringContaining('unknown'),
    });
  });

  it('is the same bytes for the same content, whatever order the packages came in', () => {
    const content = patchedContent('1.0.0/4');
    const shuffled = { ...content, packages: [...content.packages].reverse() };

    expect(JSON.stringify(toCycloneDx(shuffled))).toBe(JSON.stringify(toCycloneDx(content)));
  });
});

describe('toSpdx', () => {
  it("SPDX's JSON schema refuses the tag-value spelling OPERATING-SYSTEM and a package without its name", () => {
    const doc = toSpdx(baseContent('1.0.0/3')) as SpdxDoc;
    const broken = {
      ...doc,
      packages: doc.packages.map((p, i) =>
        i === 0 ? { ...p, primaryPackagePurpose: 'OPERATING-SYSTEM' } : i === 1 ? { ...p, name: undefined } : p,
      ),
    };

    const problems = spdxProblems(JSON.parse(JSON.stringify(broken))).join('\n');

    expect(problems).toContain('/packages/0/primaryPackagePurpose must be equal to one of the allowed values');
    expect(problems).toContain("/packages/1 must have required property 'name'");
    expect((doc.packages[0] as { primaryPackagePurpose?: string }).primaryPackagePurpose).toBe('OPERATING_SYSTEM');
  });

  it('the SPDX check catches a broken document (no download location, milliseconds in created, a dangling id)', () => {
    const doc = toSpdx(baseContent('1.0.0/3')) as SpdxDoc;
    const broken = {
      ...doc,
      creationInfo: { ...doc.creationInfo, created: '2026-10-01T08:00:00.000Z' },
      packages: doc.packages.map((p, i) => (i === 0 ? { SPDXID: p.SPDXID, name: p.name } : p)),
      relationships: [...doc.relationships, { ...doc.relationships[0], relatedSpdxElement: 'SPDXRef-Nowhere' }],
    };

    const problems = spdxProblems(broken).join('\n');

    expect(problems).toContain('6.9');
    expect(problems).toContain('packages[0].downloadLocation: 7.7');
    expect(problems).toContain('packages[0].packageVerificationCode: 7.9');
    expect(problems).toContain('SPDXRef-Nowhere');
  });

  it('describes the image, which contains each package (purl) and depends on its components and parent', () => {
    const doc = toSpdx(patchedContent('1.0.0/4')) as SpdxDoc;

    expect(doc.creationInfo.created).toBe('2026-11-01T08:00:00Z');
    const openssl = doc.packages.find((p) => p.name === 'openssl');
    expect(openssl?.externalRefs?.[0]?.referenceLocator).toBe(
      'pkg:rpm/amazon/openssl@3.0.8-1.amzn2023.0.18?distro=amzn-2023&epoch=1',
    );
    const of = (type: string) => doc.relationships.filter((r) => r.relationshipType === type);
    expect(of('DESCRIBES')).toEqual([
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' },
    ]);
    expect(of('CONTAINS')).toHaveLength(6);
    expect(of('DEPENDS_ON').map((r) => r.relatedSpdxElement)).toEqual([
      'SPDXRef-Component-1-goldsmith-hardening',
      'SPDXRef-Component-2-update-linux',
      'SPDXRef-Parent',
    ]);
  });

  it('says a container image contains NOASSERTION packages, and keeps its namespace across rewrites', () => {
    const doc = toSpdx(box()) as SpdxDoc;

    expect(doc.relationships).toContainEqual({
      spdxElementId: 'SPDXRef-Image',
      relationshipType: 'CONTAINS',
      relatedSpdxElement: 'NOASSERTION',
    });
    expect(doc.packages[0]?.comment).toContain('unknown');
    expect((toSpdx(box()) as SpdxDoc).documentNamespace).toBe(doc.documentNamespace);
    expect(doc.documentNamespace).not.toBe((toSpdx(patchedContent('1.0.0/4')) as SpdxDoc).documentNamespace);
  });
});
