import type { ImageContent } from './model.js';
import { nameBasedUuid, orderedComponents, PACKAGES_UNKNOWN, writtenPackages } from './package-identity.js';
import { componentSupplier, parentName, parentSupplier, SBOM_TOOL, sbomAuthor } from './provenance.js';

/**
 * An image version's SBOM as CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/). Deterministic: the same
 * content gives the same document, byte for byte once serialized (no clock, no random serial number). Pure.
 */

interface Property {
  name: string;
  value: string;
}

/** The one tool that writes these documents, with its release. */
const TOOL = { type: 'application', name: SBOM_TOOL.name, version: SBOM_TOOL.version };

const parentRef = (content: ImageContent) => `parent:${content.parent}`;

/** An organizational entity (`supplier`, `manufacturer`), left out when the content does not show who it is. */
const entity = (name: string | undefined) => (name === undefined ? {} : { supplier: { name } });

/**
 * The document. `metadata.component` is the image ("operating-system" for an AMI, "container" for a container
 * image: the spec's component types), `metadata.timestamp` the time the build became available, `serialNumber` a
 * name-based `urn:uuid:` of the build version ARN ("must conform to RFC 4122"). Components: each package a
 * `library` or `application` with its purl (its `bom-ref`), each recipe component with its ARN (its `bom-ref`), and
 * the parent image, each with its `supplier` where the content shows it. `metadata.authors` and
 * `metadata.manufacturer` name the account whose Goldsmith wrote it, `metadata.tools` Goldsmith and its release.
 * `dependencies`: the image depends on all of them. A container image whose packages are unknown
 * (`packageSource: 'none'`) says so in its `goldsmith:packages` property.
 */
export function toCycloneDx(content: ImageContent): object {
  const imageRef = content.buildVersionArn;
  const author = sbomAuthor(content);
  const packages = writtenPackages(content).map((p) => ({
    type: p.library ? 'library' : 'application',
    'bom-ref': p.purl,
    ...entity(p.supplier),
    name: p.name,
    version: p.version,
    purl: p.purl,
  }));
  const components = orderedComponents(content).map((c) => ({
    type: 'application',
    'bom-ref': c.arn,
    ...entity(componentSupplier(c.arn)),
    name: c.name,
    version: c.version,
    properties: [
      { name: 'goldsmith:role', value: 'recipe-component' },
      { name: 'aws:imagebuilder:componentArn', value: c.arn },
      ...(c.requested ? [{ name: 'goldsmith:recipeComponentArn', value: c.requested }] : []),
    ],
  }));
  const parent = {
    type: content.kind === 'container' ? 'container' : 'operating-system',
    'bom-ref': parentRef(content),
    ...entity(parentSupplier(content)),
    name: parentName(content),
    ...(content.parentBuild?.version ? { version: content.parentBuild.version } : {}),
    properties: [
      { name: 'goldsmith:role', value: 'parent' },
      ...(content.parentBuild ? [{ name: 'goldsmith:recipeParent', value: content.parent }] : []),
    ],
  };
  const properties: Property[] = [
    { name: 'aws:imagebuilder:imageBuildVersionArn', value: content.buildVersionArn },
    { name: 'goldsmith:recipe', value: `${content.recipe.name}/${content.recipe.version}` },
    { name: 'goldsmith:packageSource', value: content.packageSource },
  ];
  if (content.packageSource === 'none') properties.push({ name: 'goldsmith:packages', value: PACKAGES_UNKNOWN });
  // Unique refs: a package listed twice (two spellings of one purl) must not repeat a `bom-ref`.
  const unique = [...new Map([...packages, ...components, parent].map((c) => [c['bom-ref'], c])).values()];
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${nameBasedUuid(content.buildVersionArn)}`,
    version: 1,
    metadata: {
      timestamp: content.builtAt,
      tools: { components: [TOOL] },
      authors: [{ name: author }],
      manufacturer: { name: author },
      component: {
        type: content.kind === 'ami' ? 'operating-system' : 'container',
        'bom-ref': imageRef,
        supplier: { name: author },
        name: content.image,
        version: content.version,
        properties,
      },
    },
    components: unique,
    dependencies: [{ ref: imageRef, dependsOn: unique.map((c) => c['bom-ref']) }],
  };
}
