import { openSbomExports } from '../../aws/sbom/export-records.js';
import { pollSbomExport } from '../../aws/sbom/inspector-export.js';
import type { SbomExportStatus } from '../../core/sbom/inspector-export.js';
import { logger } from '../lib/powertools.js';

/** What one pass over the open SBOM exports did. */
export interface SbomExportsReport {
  polled: number;
  /** `<image> <version>` → the export's status after this pass. */
  outcomes: Record<string, SbomExportStatus>;
  /** Exports whose poll or read failed this pass (tried again on the next). */
  failed: number;
}

/**
 * Carries every open SBOM export of the catalog's images on (aws/sbom/inspector-export.ts) once: a requested one is
 * started, a finished one's
 * packages become the version's inventory and SBOMs, a failed one is recorded with Inspector's reason. One export's
 * failure is logged and left for the next pass; the others go on.
 */
export async function pollOpenSbomExports(images: readonly string[], at: string): Promise<SbomExportsReport> {
  const report: SbomExportsReport = { polled: 0, outcomes: {}, failed: 0 };
  for (const image of images) {
    for (const open of await openSbomExports(image)) {
      report.polled++;
      try {
        const after = await pollSbomExport(open, at);
        report.outcomes[`${image} ${open.version}`] = after.status;
        if (after.status !== open.status) {
          logger.info('SBOM export', { image, version: open.version, status: after.status, reason: after.reason });
        }
      } catch (error) {
        report.failed++;
        logger.warn('SBOM export not polled', { image, version: open.version, error: String(error) });
      }
    }
  }
  return report;
}
