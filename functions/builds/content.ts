import { inventoryOf } from '../../aws/builds/image-packages.js';
import type { ImageFacts } from '../../aws/promotion/promotion-images.js';
import { resolvedComponents } from '../../aws/sbom/component-versions.js';
import { recordContent } from '../../aws/sbom/content-records.js';
import { requestSbomExport } from '../../aws/sbom/export-records.js';
import { parentBuildOf } from '../../aws/sbom/parent-build.js';
import { keepSboms } from '../../aws/sbom/sbom-objects.js';
import type { PackageInventory } from '../../core/lifecycle/finding-scope.js';
import { contentOfBuild } from '../../core/sbom/build-content.js';
import { sbomDocuments } from '../../core/sbom/documents.js';
import { inventoryPackages, type RecordedContent } from '../../core/sbom/ledger-content.js';
import { logger } from '../lib/powertools.js';

/**
 * Records what an AVAILABLE build is made of (`CONTENT#<version>`: recipe, parent, components, operating system,
 * where its packages come from), from the GetImage answer on-image-event (or the reconciler, for a missed AVAILABLE)
 * already read: the components as applied (a version filter resolved by GetComponent, aws/sbom/component-versions.ts)
 * and, for a child of a catalog image, the parent build its build item records with that build's AMI in the build's
 * Region (aws/sbom/parent-build.ts). A recipe GetImage does not give is logged and nothing is recorded (an approval
 * then says the content is unknown); a failed read or write throws, so the event is retried (everything before is
 * idempotent).
 * @returns the content recorded, or undefined when there was none to record.
 */
export async function keepContent(
  build: { image: string; version: string; buildVersionArn: string; at: string },
  facts: ImageFacts,
  buildItem: Readonly<Record<string, unknown>>,
): Promise<RecordedContent | undefined> {
  let content: RecordedContent;
  const region = build.buildVersionArn.split(':')[3] ?? '';
  const [resolved, parentBuild] = await Promise.all([
    resolvedComponents(facts.recipe, facts.createdAt, region),
    parentBuildOf(buildItem.parent, region),
  ]);
  try {
    content = contentOfBuild({
      ...build,
      kind: facts.recipe?.kind ?? (facts.containerUris.length > 0 ? 'container' : 'ami'),
      builtAt: build.at,
      recipe: facts.recipe,
      osVersion: facts.osVersion,
      parentBuild,
      resolvedComponents: resolved,
    });
  } catch (error) {
    logger.warn('content not recorded', { image: build.image, version: build.version, error: String(error) });
    return undefined;
  }
  return recordContent(content);
}

/**
 * Keeps an AVAILABLE build's SBOMs (CycloneDX and SPDX, aws/sbom/sbom-objects.ts) from its recorded content and its
 * packages: an AMI's inventory as built (the one recorded now, else listed and recorded), none for a container
 * Inspector has not exported (yet). For a container image whose packages are not known, Inspector's SBOM export of its
 * ECR repository and tag is requested (once per version: aws/sbom/export-records.ts); the scheduled poller
 * (functions/sbom-exports.ts) starts and polls it and writes the SBOMs again with its packages. Throws on failure, so the build is not marked handled and is tried
 * again.
 */
export async function keepVersionSboms(
  content: RecordedContent,
  inventory: PackageInventory | undefined,
  at: string,
  containerUris: readonly string[] = [],
): Promise<void> {
  const packages =
    content.packageSource === 'none'
      ? new Map<string, readonly string[]>()
      : (inventory ?? (await inventoryOf(content.image, content.version, content.buildVersionArn, at)));
  await keepSboms({ ...content, packages: inventoryPackages(packages) }, sbomDocuments);
  if (content.kind === 'container' && content.packageSource === 'none') {
    const requested = await requestSbomExport(content, containerUris, at);
    logger.info('SBOM export', { image: content.image, version: content.version, export: requested?.status ?? 'none' });
  }
}
