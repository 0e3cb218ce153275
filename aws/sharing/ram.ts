import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  DisassociateResourceShareCommand,
} from '@aws-sdk/client-ram';
import { ramClient } from '../clients/ram.js';
import { PointerShareFailedError, PointerShareNotReadyError } from './pointer-share-errors.js';
import {
  associatedSince,
  associations,
  clientToken,
  findShare,
  live,
  POINTER_SHARE_TAG,
  unassociatedSince,
  verify,
} from './ram-associations.js';

/**
 * AWS RAM, for sharing channel pointers (SSM advanced parameters) with a channel's principals. One resource share
 * per channel and region holds every image's pointer for that channel; RAM is regional, like the parameters.
 * https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html
 */

export {
  ForeignPointerShareError,
  PointerShareFailedError,
  PointerShareNotReadyError,
} from './pointer-share-errors.js';
export { POINTER_SHARE_TAG, sharesAssociations, sharesHeld } from './ram-associations.js';

export interface PointerShareRequest {
  region: string;
  /** The share's name, e.g. `goldsmith-pointers-prod`. */
  name: string;
  /** The parameter's ARN in that region. */
  resourceArn: string;
  /** Account ids, OU ARNs or the organization ARN. */
  principals: readonly string[];
}

export interface PointerShareResult {
  resourceShareArn: string;
  created: boolean;
  associatedPrincipals: string[];
  disassociatedPrincipals: string[];
  associatedResource: boolean;
}

/**
 * Makes `resourceArn` shared with exactly `principals` through the channel's resource share in `region`: creates
 * the share on first use (external principals refused), adds missing principals and the parameter, removes
 * principals the channel no longer targets (other images' parameters in the share are left alone), then checks
 * every association is ASSOCIATED. Read-before-write with deterministic client tokens, so a retry is harmless.
 * @throws PointerShareNotReadyError while RAM is still associating; PointerShareFailedError when it refused.
 */
export async function ensurePointerShared(req: PointerShareRequest): Promise<PointerShareResult> {
  const { region, name, resourceArn } = req;
  const principals = [...new Set(req.principals)].sort();
  const client = ramClient(region);
  let resourceShareArn = await findShare(region, name);
  if (!resourceShareArn) {
    const out = await client.send(
      new CreateResourceShareCommand({
        name,
        resourceArns: [resourceArn],
        principals,
        // Inside the organization only: an account id outside it is refused rather than sent an invitation.
        allowExternalPrincipals: false,
        clientToken: clientToken('create', region, name, resourceArn, ...principals),
        tags: [{ ...POINTER_SHARE_TAG }],
      }),
    );
    resourceShareArn = out.resourceShare?.resourceShareArn;
    if (!resourceShareArn) throw new Error(`CreateResourceShare ${name} in ${region} returned no ARN`);
    await verify(region, resourceShareArn, resourceArn, principals);
    return {
      resourceShareArn,
      created: true,
      associatedPrincipals: principals,
      disassociatedPrincipals: [],
      associatedResource: true,
    };
  }

  const everPrincipals = await associations(region, resourceShareArn, 'PRINCIPAL');
  const current = everPrincipals.filter(live);
  const have = new Set(current.map((a) => a.associatedEntity ?? ''));
  const missing = principals.filter((p) => !have.has(p));
  const extra = [...have].filter((p) => p !== '' && !principals.includes(p)).sort();
  const everResource = await associations(region, resourceShareArn, 'RESOURCE', resourceArn);
  const resource = everResource.filter(live);
  const addResource = resource.length === 0;
  // RAM answers a repeated client token with the first call's result and does nothing
  // (https://docs.aws.amazon.com/ram/latest/APIReference/API_AssociateResourceShare.html, clientToken): adding back
  // what was taken out (a pointer withdrawn by a revocation, then published again) must not reuse the token of the
  // first time. Each disassociation's time is part of the token, so a retry of this call reuses it and a later
  // association does not.
  if (extra.length > 0) {
    await client.send(
      new DisassociateResourceShareCommand({
        resourceShareArn,
        principals: extra,
        // Each association's last change is part of the token: taking out again what was added back is a new call.
        clientToken: clientToken(
          'disassociate',
          resourceShareArn,
          ...extra.map((p) => `${p}@${associatedSince(current, p)}`),
        ),
      }),
    );
  }
  if (missing.length > 0 || addResource) {
    await client.send(
      new AssociateResourceShareCommand({
        resourceShareArn,
        ...(missing.length > 0 ? { principals: missing } : {}),
        ...(addResource ? { resourceArns: [resourceArn] } : {}),
        clientToken: clientToken(
          'associate',
          resourceShareArn,
          addResource ? `${resourceArn}@${unassociatedSince(everResource, resourceArn)}` : '',
          ...missing.map((p) => `${p}@${unassociatedSince(everPrincipals, p)}`),
        ),
      }),
    );
  }
  const settled = current.every((a) => a.status === 'ASSOCIATED') && resource.every((a) => a.status === 'ASSOCIATED');
  if (missing.length > 0 || addResource || !settled) await verify(region, resourceShareArn, resourceArn, principals);
  return {
    resourceShareArn,
    created: false,
    associatedPrincipals: missing,
    disassociatedPrincipals: extra,
    associatedResource: addResource,
  };
}

/**
 * Adds one parameter to a share Goldsmith holds as reaching exactly the channel's principals (the ledger's held
 * share: aws/sharing/pointer-shares-held.ts), which does not hold the parameter: the association is made at once, then
 * confirmed by one read. No read before it: the ledger says the parameter is not associated, and the call is
 * idempotent by its client token — "If you retry the operation with the same ClientToken, but with different
 * parameters, the retry fails with an IdempotentParameterMismatch error", and the same token with the same
 * parameters repeats the first call's answer
 * (https://docs.aws.amazon.com/ram/latest/APIReference/API_AssociateResourceShare.html, clientToken). The token
 * names the parameter and the share's count of withdrawals the ledger holds (`withdrawals`): a retry after an
 * association the ledger did not record yet sends the same token, and an association after the parameter was taken
 * out (a withdrawn pointer published again: the ledger counted its withdrawal first) sends a new one, so RAM makes it
 * anew. A retry whose token RAM answers with the first call's result makes nothing: when the read-back finds the
 * parameter's association taken out since (outside Goldsmith) or FAILED, it is associated again by a call of its own
 * token, as {@link ensurePointerShared} would. A share RAM no longer has
 * (deleted outside Goldsmith) answers UnknownResourceException, and the caller falls back to
 * {@link ensurePointerShared}.
 * @throws PointerShareNotReadyError while RAM is still associating; PointerShareFailedError when it refused.
 */
export async function addParameterToHeldShare(req: {
  region: string;
  resourceShareArn: string;
  resourceArn: string;
  withdrawals: number;
}): Promise<void> {
  const { region, resourceShareArn, resourceArn, withdrawals } = req;
  const associate = (token: string) =>
    ramClient(region).send(
      new AssociateResourceShareCommand({ resourceShareArn, resourceArns: [resourceArn], clientToken: token }),
    );
  await associate(clientToken('associate-held', resourceShareArn, resourceArn, String(withdrawals)));
  // RAM associates asynchronously: only what it confirms is recorded.
  let now = await associations(region, resourceShareArn, 'RESOURCE', resourceArn);
  // Nothing live after the call: a retry's token may have had RAM repeat a first call whose association was since
  // taken out outside Goldsmith or FAILED, so it made nothing. Associated again as ensurePointerShared does, with a
  // token naming when the association stopped being live: a new call, and a retry of this one repeats it.
  if (!now.some(live)) {
    await associate(
      clientToken('associate', resourceShareArn, `${resourceArn}@${unassociatedSince(now, resourceArn)}`),
    );
    now = await associations(region, resourceShareArn, 'RESOURCE', resourceArn);
  }
  const failed = now.find((a) => a.status === 'FAILED');
  if (failed) {
    throw new PointerShareFailedError(
      `RAM could not share ${resourceArn} in ${region}: ${failed.statusMessage ?? 'FAILED'}`,
    );
  }
  if (!now.some((a) => a.status === 'ASSOCIATED')) {
    throw new PointerShareNotReadyError(`RAM is still associating ${resourceArn} in ${region}`);
  }
}

/**
 * Takes a parameter out of the channel's resource share in `region` (a withdrawn pointer: nothing is left to read),
 * before the parameter itself is deleted. Read-before-write with a deterministic client token: a retry finds it gone.
 * @returns whether a DisassociateResourceShare was made.
 */
export async function unsharePointer(req: Omit<PointerShareRequest, 'principals'>): Promise<boolean> {
  const { region, name, resourceArn } = req;
  const resourceShareArn = await findShare(region, name);
  if (!resourceShareArn) return false;
  const resource = (await associations(region, resourceShareArn, 'RESOURCE', resourceArn)).filter(live);
  if (resource.length === 0) return false;
  await ramClient(region).send(
    new DisassociateResourceShareCommand({
      resourceShareArn,
      resourceArns: [resourceArn],
      // The association's last change is part of the token: withdrawing a pointer published again is a new call.
      clientToken: clientToken('unshare', resourceShareArn, `${resourceArn}@${associatedSince(resource, resourceArn)}`),
    }),
  );
  return true;
}
