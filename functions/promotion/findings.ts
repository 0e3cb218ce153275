import { recordedSeverities } from '../../aws/lifecycle/promotion-findings.js';
import { type ScanFinding, scanFindingSeverities, scanFindings } from '../../aws/promotion/promotion-images.js';
import { recordScanFindings } from '../../aws/sbom/content-records.js';
import { countFindings } from '../../core/promotion/gate.js';
import type { FindingCounts } from '../../core/promotion/types.js';
import { severityOf } from '../../core/sbom/ledger-content.js';
import type { VersionFinding } from '../../core/sbom/model.js';

/** The larger count per severity: the two sources report the same CVEs and must not be added together. */
function larger(scanned: readonly string[], recorded: readonly string[]): FindingCounts {
  const a = countFindings(scanned);
  const b = countFindings(recorded);
  return {
    critical: Math.max(a.critical, b.critical),
    high: Math.max(a.high, b.high),
    medium: Math.max(a.medium, b.medium),
    low: Math.max(a.low, b.low),
    other: Math.max(a.other, b.other),
  };
}

/**
 * A build's findings now: Image Builder's scan findings plus those recorded since from Inspector / CVE events.
 * The larger count per severity wins, since the two sources report the same CVEs and must not be added together.
 */
export async function currentFindings(image: string, version: string, buildVersionArn: string): Promise<FindingCounts> {
  const [scanned, recorded] = await Promise.all([
    scanFindingSeverities(buildVersionArn),
    recordedSeverities(image, version),
  ]);
  return larger(scanned, recorded);
}

/**
 * A scan finding as the version's record keeps it: a finding that names no vulnerability is known by its severity
 * and place in the list, as on-finding names it.
 */
export function versionFinding(f: ScanFinding, i: number): VersionFinding {
  return {
    id: f.vulnerabilityId ?? `imagebuilder-scan:${f.severity.toLowerCase()}:${i + 1}`,
    severity: severityOf(f.severity),
    packages: f.packages,
  };
}

/**
 * What the gate weighs (currentFindings), with the scan's findings it read recorded as the version's `SCAN#` item:
 * what an approval request compares with the channel's current version (core/sbom/ledger-content.ts).
 */
export async function gateFindings(image: string, version: string, buildVersionArn: string): Promise<FindingCounts> {
  const [listed, recorded] = await Promise.all([scanFindings(buildVersionArn), recordedSeverities(image, version)]);
  await recordScanFindings(image, version, listed.map(versionFinding));
  return larger(
    listed.map((f) => f.severity),
    recorded,
  );
}
