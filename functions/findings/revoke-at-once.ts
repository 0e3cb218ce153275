import { markRevocationAtOnce } from '../../aws/lifecycle/promotion-findings.js';
import { putEvent } from '../../aws/promotion/promotion-images.js';
import type { ImageRevokedDetail } from '../../events/image-revoked.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from '../../events/sources.js';

/** Who a revocation for a channel's `vulnerabilities.revokeOn` is recorded as made by. */
export const REVOKE_ON_BY = 'goldsmith (vulnerabilities.revokeOn)';

/**
 * Revokes a version at once for a new finding of a severity a promoted channel's `revokeOn` names. on-finding holds
 * none of the revocation's code or permissions: the version's `REVOCATION#` item (the request on-finding recorded) is
 * marked `atOnce` (why, by whom, the finding's time), then "Image Revoked" at that time goes on Goldsmith's bus, where
 * on-lifecycle-request takes it (its rule retries for a day, then the dead-letter queue) and carries it out with
 * revokeVersion: launch permissions removed, AMIs deprecated, pointers rolled back, descendants flagged or revoked,
 * announced once. core/trust/facts.ts says why it acts on it. A repeat (a re-delivered finding) marks the same and puts
 * the same fact again; a version revoked already is finished again, idempotently, as any re-delivered fact is.
 */
export async function revokeAtOnce(r: {
  image: string;
  version: string;
  buildVersionArn: string;
  channels: readonly string[];
  reason: string;
  at: string;
  busName: string;
}): Promise<void> {
  await markRevocationAtOnce(r.image, r.version, { reason: r.reason, by: REVOKE_ON_BY, at: r.at });
  const fact: ImageRevokedDetail = {
    image: r.image,
    version: r.version,
    buildVersionArn: r.buildVersionArn,
    channels: [...r.channels],
    reason: r.reason,
    by: REVOKE_ON_BY,
    revokedAt: r.at,
  };
  await putEvent(r.busName, GOLDSMITH_SOURCE, DETAIL_TYPES.imageRevoked, fact);
}
