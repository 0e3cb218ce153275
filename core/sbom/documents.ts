import { toCycloneDx } from './cyclonedx.js';
import type { ImageContent } from './model.js';
import { toSpdx } from './spdx.js';

/** The files each version's SBOMs are kept as (`sbom/<image>/<version>/<file>` in the SBOM bucket). */
export const SBOM_FILES = ['cyclonedx.json', 'spdx.json'] as const;

/** A version's SBOM documents by file: CycloneDX 1.6 and SPDX 2.3 JSON. Pure and deterministic. */
export function sbomDocuments(content: ImageContent): Record<(typeof SBOM_FILES)[number], object> {
  return { 'cyclonedx.json': toCycloneDx(content), 'spdx.json': toSpdx(content) };
}
