import { getRevocation } from '../../aws/promotion-findings.js';
import { RevokedError } from '../../core/promotion/errors.js';

/**
 * Stops a promotion of a revoked build at its next step (Gate, Share, Publish).
 * @throws RevokedError (Step Functions error `Revoked`), which the Catch records as `aborted`.
 */
export async function refuseIfRevoked(image: string, version: string): Promise<void> {
  const revocation = await getRevocation(image, version);
  if (revocation?.state === 'revoked') {
    throw new RevokedError(`${image} ${version} was revoked: ${revocation.reason}`);
  }
}
