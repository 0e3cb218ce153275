import { withoutEpoch } from '../../core/lifecycle/finding-scope.js';
import { compareRpm } from '../../core/sbom/version-order.js';
import type { BuildRecord, ImagePackage } from './imagebuilder-model.js';

/**
 * Vulnerabilities the scanner knows: a scenario publishes one (`vulnerability`), and from then on each scanned build
 * whose installed package is older than the version that fixes it reports it, as Image Builder's image scan (Amazon
 * Inspector) does for the packages on the build instance. The finding names the package as the build holds it, split
 * the way Inspector writes it (`version`, `release`, `epoch`, `packageManager`, `fixedInVersion`:
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_VulnerablePackage.html). A build holding the fixed
 * version or a newer one reports nothing for it.
 */
export interface Advisory {
  readonly id: string;
  readonly package: string;
  /** The first version without the vulnerability (`3.0.16`, or `3.0.16-1.amzn2023.0.1`). */
  readonly fixedIn: string;
  readonly severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
}

const SCORE: Readonly<Record<Advisory['severity'], number>> = { CRITICAL: 9.8, HIGH: 7.5, MEDIUM: 5.3, LOW: 3.1 };

/** `1:3.0.8-1.amzn2023.0.18` → epoch 1, version `3.0.8`, release `1.amzn2023.0.18`. */
function split(raw: string): { epoch?: number; version: string; release?: string } {
  const m = /^(?:(\d+):)?([^-]+)(?:-(.+))?$/.exec(raw);
  if (!m?.[2]) return { version: raw };
  return {
    ...(m[1] ? { epoch: Number(m[1]) } : {}),
    version: m[2],
    ...(m[3] ? { release: m[3] } : {}),
  };
}

/** Whether a package at `installed` is older than the advisory's fix (epochs left out: a fix is published as `version-release`). */
export function vulnerable(installed: string, advisory: Advisory): boolean {
  return compareRpm(withoutEpoch(installed), withoutEpoch(advisory.fixedIn)) < 0;
}

/** The scan findings of a build for the advisories published so far, one per advisory its packages are open to. */
export function advisoryFindings(
  b: BuildRecord,
  installed: readonly ImagePackage[],
  advisories: readonly Advisory[],
  accountId: string,
  at: string,
): Record<string, unknown>[] {
  return advisories.flatMap((a) =>
    installed
      .filter((p) => p.packageName === a.package && vulnerable(p.packageVersion, a))
      .slice(0, 1)
      .map((p) => ({
        awsAccountId: accountId,
        imageBuildVersionArn: b.arn,
        imagePipelineArn: b.pipeline.arn,
        type: 'PACKAGE_VULNERABILITY',
        title: `${a.id} - ${a.package}`,
        description: `A ${a.severity.toLowerCase()} vulnerability in ${a.package}, fixed in ${a.fixedIn}.`,
        severity: a.severity,
        inspectorScore: SCORE[a.severity],
        firstObservedAt: new Date(at),
        updatedAt: new Date(at),
        fixAvailable: 'YES',
        packageVulnerabilityDetails: {
          vulnerabilityId: a.id,
          source: 'NVD',
          vulnerablePackages: [
            { name: a.package, ...split(p.packageVersion), packageManager: 'OS', fixedInVersion: a.fixedIn },
          ],
        },
      })),
  );
}
