import { recordedSeverities } from '../../aws/lifecycle/promotion-findings.js';
import { scanFindingSeverities } from '../../aws/promotion/promotion-images.js';
import { countFindings } from '../../core/promotion/gate.js';
import type { FindingCounts } from '../../core/promotion/types.js';

/**
 * A build's findings now: Image Builder's scan findings plus those recorded since from Inspector / CVE events.
 * The larger count per severity wins, since the two sources report the same CVEs and must not be added together.
 */
export async function currentFindings(image: string, version: string, buildVersionArn: string): Promise<FindingCounts> {
  const [scanned, recorded] = await Promise.all([
    scanFindingSeverities(buildVersionArn),
    recordedSeverities(image, version),
  ]);
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
