import { createHash } from 'node:crypto';
import { keyRotations, recordKeyRotation } from '../../aws/promotion/key-rotations.js';
import { putNewKeyValue } from '../../aws/promotion/rotate-secret.js';
import { lastRotation, linkLifetimeSeconds, secondRotationWarning } from '../../core/trust/key-rotations.js';
import type { OperatorRequestOf } from '../../events/operator-request.js';
import { bundledCatalog } from '../lib/catalog.js';
import { Refusal } from './refusal.js';

/**
 * `rotate-signing-key`: a new value for each signing key the stage names (env `SIGNING_SECRET_NAMES`: the approval
 * links' key and the decision-proof key). The value each had becomes AWSPREVIOUS, which the doors still accept for
 * what it signed: a link until its approval's timeout after the rotation, a recorded decision until delivered
 * (aws/promotion/approval-secret.ts). The secrets' own policies let only this function's role and the deployment put
 * a value (stacks/promotion/signing-keys.ts). A retried request (same request id) puts nothing twice. Each rotation is
 * recorded in the ledger (core/trust/key-rotations.ts); one within the approval links' lifetime of the previous says
 * that links signed before that one stop working (a warning: it is done all the same).
 */
export async function rotateSigningKey(
  request: OperatorRequestOf<'rotate-signing-key'>,
  caller: string,
  requestId: string,
  at: Date,
) {
  const names = (process.env.SIGNING_SECRET_NAMES ?? '').split(',').filter((n) => n.length > 0);
  if (names.length === 0) throw new Refusal(501, 'this stage names no signing key to rotate (SIGNING_SECRET_NAMES)');
  // Read before rotating: the previous rotation, to say whether links it left valid stop working now.
  const warning = secondRotationWarning(lastRotation(await keyRotations()), at, linkLifetimeSeconds(bundledCatalog()));
  const rotated: string[] = [];
  const already: string[] = [];
  const keys: { name: string; versionId: string }[] = [];
  for (const name of names) {
    // One version id per request and secret (a UUID's shape, which ClientRequestToken's 32 to 64 characters allow).
    const hex = createHash('sha256').update(`${requestId}\n${name}`).digest('hex');
    const versionId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    keys.push({ name, versionId });
    if (await putNewKeyValue(name, versionId)) rotated.push(name);
    else already.push(name);
  }
  // Recorded once the keys hold their new values (who, when, which keys and versions; never a value). A retry of the
  // same request finds its record there.
  await recordKeyRotation({
    at: at.toISOString(),
    by: caller,
    keys,
    ...(request.reason ? { reason: request.reason } : {}),
  });
  return {
    rotated,
    ...(already.length > 0 ? { alreadyRotated: already } : {}),
    by: caller,
    at: at.toISOString(),
    ...(request.reason ? { reason: request.reason } : {}),
    ...(warning && rotated.length > 0 ? { warning } : {}),
  };
}
