import type { ImageContent } from './model.js';
import { nameBasedUuid, orderedComponents, PACKAGES_UNKNOWN, writtenPackages } from './package-identity.js';
import { componentSupplier, parentName, parentSupplier, SBOM_TOOL, sbomAuthor } from './provenance.js';

/**
 * An image version's SBOM as SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/). Deterministic: the same content
 * gives the same document. Pure.
 */

/** An SPDX identifier's idstring: "letters, numbers, . and/or -" (7.2, https://spdx.github.io/spdx-spec/v2.3/package-information/). */
const idstring = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, '-');

/** 6.9 Created: "YYYY-MM-DDThh:mm:ssZ" (https://spdx.github.io/spdx-spec/v2.3/document-creation-information/), i.e. UTC without fractions. */
const created = (iso: string) => `${new Date(iso).toISOString().slice(0, 19)}Z`;

/**
 * Fields every package carries. 7.7 Package download location is required ("NOASSERTION" when the creator makes no
 * attempt to determine it); 7.8 Files analyzed is false, since no files are listed, which makes 7.9's verification
 * code not required (https://spdx.github.io/spdx-spec/v2.3/package-information/).
 */
const PACKAGE_BASE = { downloadLocation: 'NOASSERTION', filesAnalyzed: false };

/** 7.5 Package supplier: "Organization: …", or NOASSERTION when the content does not show who supplied it. */
const supplier = (organization: string | undefined) =>
  organization === undefined ? 'NOASSERTION' : `Organization: ${organization}`;

/**
 * 7.24 Primary package purpose as the JSON schema spells it: `OPERATING_SYSTEM` (the tag-value spelling is
 * `OPERATING-SYSTEM`; SPDX 2.3's JSON schema enumerates `OPERATING_SYSTEM`,
 * https://github.com/spdx/spdx-spec/blob/support/2.3/schemas/spdx-schema.json).
 */
const OPERATING_SYSTEM = 'OPERATING_SYSTEM';

/**
 * The document: 6.1 `SPDX-2.3`, 6.2 data license `CC0-1.0`, 6.3 `SPDXRef-DOCUMENT`, 6.4 a name, 6.5 a namespace
 * (a unique absolute URI: a name-based `urn:uuid:` of the build version ARN), 6.8 creators (the account that built
 * the image, and `Tool: goldsmith-<release>`) and 6.9 created (the time the build became available). Every package
 * names its 7.5 supplier (NOASSERTION where the content does not show it). Packages: the image (7.24 primary purpose
 * OPERATING_SYSTEM or CONTAINER), each package
 * with its purl as a 7.21 external reference (category PACKAGE-MANAGER, type purl, Annex F), each recipe component
 * with its ARN, and the parent image. Relationships (11.1, https://spdx.github.io/spdx-spec/v2.3/relationships-between-SPDX-elements/): the
 * document DESCRIBES the image, which CONTAINS each package and DEPENDS_ON each component and its parent; a container
 * image whose packages are unknown CONTAINS NOASSERTION ("known unknowns") and says so in its comment.
 */
export function toSpdx(content: ImageContent): object {
  const imageId = 'SPDXRef-Image';
  const parentId = 'SPDXRef-Parent';
  const packages = writtenPackages(content).map((p, i) => ({
    ...PACKAGE_BASE,
    SPDXID: `SPDXRef-Package-${i + 1}-${idstring(p.name)}`,
    name: p.name,
    versionInfo: p.version,
    supplier: supplier(p.supplier),
    primaryPackagePurpose: p.library ? 'LIBRARY' : 'APPLICATION',
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
  }));
  const components = orderedComponents(content).map((c, i) => ({
    ...PACKAGE_BASE,
    SPDXID: `SPDXRef-Component-${i + 1}-${idstring(c.name)}`,
    name: c.name,
    versionInfo: c.version,
    supplier: supplier(componentSupplier(c.arn)),
    primaryPackagePurpose: 'INSTALL',
    comment: `Image Builder component ${c.arn}${c.requested ? `, the recipe's ${c.requested}` : ''}`,
    externalRefs: [{ referenceCategory: 'OTHER', referenceType: 'aws-arn', referenceLocator: c.arn }],
  }));
  const image = {
    ...PACKAGE_BASE,
    SPDXID: imageId,
    name: content.image,
    versionInfo: content.version,
    supplier: supplier(sbomAuthor(content)),
    primaryPackagePurpose: content.kind === 'ami' ? OPERATING_SYSTEM : 'CONTAINER',
    comment:
      `Image Builder build ${content.buildVersionArn} of recipe ${content.recipe.name}/${content.recipe.version}; ` +
      `packages from ${content.packageSource === 'none' ? PACKAGES_UNKNOWN : content.packageSource}`,
  };
  const parent = {
    ...PACKAGE_BASE,
    SPDXID: parentId,
    name: parentName(content),
    ...(content.parentBuild?.version ? { versionInfo: content.parentBuild.version } : {}),
    supplier: supplier(parentSupplier(content)),
    primaryPackagePurpose: content.kind === 'container' ? 'CONTAINER' : OPERATING_SYSTEM,
    ...(content.parentBuild ? { comment: `The recipe names its parent as ${content.parent}` } : {}),
  };
  const relation = (related: string, type: string) => ({
    spdxElementId: imageId,
    relationshipType: type,
    relatedSpdxElement: related,
  });
  const relationships = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId },
    ...(content.packageSource === 'none'
      ? [relation('NOASSERTION', 'CONTAINS')]
      : packages.map((p) => relation(p.SPDXID, 'CONTAINS'))),
    ...components.map((c) => relation(c.SPDXID, 'DEPENDS_ON')),
    relation(parentId, 'DEPENDS_ON'),
  ];
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${content.image}-${content.version.replaceAll('/', '-')}`,
    documentNamespace: `urn:uuid:${nameBasedUuid(`spdx:${content.buildVersionArn}`)}`,
    creationInfo: {
      creators: [`Organization: ${sbomAuthor(content)}`, `Tool: ${SBOM_TOOL.name}-${SBOM_TOOL.version}`],
      created: created(content.builtAt),
    },
    packages: [image, ...packages, ...components, parent],
    relationships,
  };
}
