import { createHash } from 'node:crypto';
import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  DisassociateResourceShareCommand,
  paginateGetResourceShareAssociations,
  paginateGetResourceShares,
  type ResourceShareAssociation,
} from '@aws-sdk/client-ram';
import { TransientError } from '../core/errors/classify.js';
import { GoldsmithError } from '../core/errors.js';
import { ramClient } from './clients/ram.js';

/**
 * AWS RAM, for sharing channel pointers (SSM advanced parameters) with a channel's principals. One resource share
 * per channel and region holds every image's pointer for that channel; RAM is regional, like the parameters.
 * https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html
 */

/**
 * RAM has not finished associating a principal or the parameter yet: transient (named as core's error table names
 * transient errors, so the state machine's Retry waits and Publish looks again).
 */
export class PointerShareNotReadyError extends TransientError {}

/** RAM refused an association (FAILED): permanent, the promotion stops with RAM's reason. */
export class PointerShareFailedError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'PointerShareFailed';
  }
}

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

/** A client token RAM keeps for idempotency, derived from what the call asks for (at most 64 characters). */
function clientToken(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 64);
}

/** The tag Goldsmith puts on every share it creates; a share without it is never adopted. */
export const POINTER_SHARE_TAG = { key: 'goldsmith:purpose', value: 'channel-pointers' } as const;

/** A share of that name exists but is not one Goldsmith created closed to external principals: nothing is changed. */
export class ForeignPointerShareError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'ForeignPointerShare';
  }
}

/**
 * The channel's share in `region`, adopted only when Goldsmith created it: tagged `goldsmith:purpose =
 * channel-pointers` (set at creation) and closed to external principals. Another ACTIVE share of the same name, made
 * by someone else or opened to external principals, is refused rather than filled with Goldsmith's pointers
 * (GetResourceShares returns both fields: https://docs.aws.amazon.com/ram/latest/APIReference/API_ResourceShare.html).
 */
async function findShare(region: string, name: string): Promise<string | undefined> {
  const pages = paginateGetResourceShares(
    { client: ramClient(region) },
    { resourceOwner: 'SELF', name, resourceShareStatus: 'ACTIVE' },
  );
  for await (const page of pages) {
    const found = page.resourceShares?.find((s) => s.name === name && s.resourceShareArn);
    if (!found?.resourceShareArn) continue;
    const ours = found.tags?.some((t) => t.key === POINTER_SHARE_TAG.key && t.value === POINTER_SHARE_TAG.value);
    if (!ours) {
      throw new ForeignPointerShareError(
        `RAM share ${name} in ${region} (${found.resourceShareArn}) was not created by Goldsmith (no ${POINTER_SHARE_TAG.key}=${POINTER_SHARE_TAG.value} tag): refusing to add pointers to it; delete or rename it`,
      );
    }
    if (found.allowExternalPrincipals !== false) {
      throw new ForeignPointerShareError(
        `RAM share ${name} in ${region} (${found.resourceShareArn}) allows external principals: refusing to add pointers to it`,
      );
    }
    return found.resourceShareArn;
  }
  return undefined;
}

async function associations(
  region: string,
  resourceShareArn: string,
  associationType: 'PRINCIPAL' | 'RESOURCE',
  resourceArn?: string,
): Promise<ResourceShareAssociation[]> {
  const found: ResourceShareAssociation[] = [];
  const pages = paginateGetResourceShareAssociations(
    { client: ramClient(region) },
    { associationType, resourceShareArns: [resourceShareArn], ...(resourceArn ? { resourceArn } : {}) },
  );
  for await (const page of pages) found.push(...(page.resourceShareAssociations ?? []));
  return found;
}

/**
 * Every association of the given shares of one Region, of one type (GetResourceShareAssociations takes a list of
 * share ARNs: https://docs.aws.amazon.com/ram/latest/APIReference/API_GetResourceShareAssociations.html), every
 * page; the daily backstop's read, two calls per Region for all the channels' shares.
 */
export async function sharesAssociations(
  region: string,
  resourceShareArns: readonly string[],
  associationType: 'PRINCIPAL' | 'RESOURCE',
): Promise<{ resourceShareArn: string; entity: string; status: string }[]> {
  if (resourceShareArns.length === 0) return [];
  const found: { resourceShareArn: string; entity: string; status: string }[] = [];
  const pages = paginateGetResourceShareAssociations(
    { client: ramClient(region) },
    { associationType, resourceShareArns: [...resourceShareArns] },
  );
  for await (const page of pages) {
    for (const a of page.resourceShareAssociations ?? []) {
      if (a.resourceShareArn && a.associatedEntity && a.status) {
        found.push({ resourceShareArn: a.resourceShareArn, entity: a.associatedEntity, status: a.status });
      }
    }
  }
  return found;
}

const live = (a: ResourceShareAssociation) => a.status === 'ASSOCIATED' || a.status === 'ASSOCIATING';

/**
 * When the live association of `entity` last changed (part of a client token: see ensurePointerShared). Not its
 * creation time: an entity taken out and added back may keep its first association's.
 */
const associatedSince = (entries: readonly ResourceShareAssociation[], entity: string): string =>
  entries
    .filter((a) => a.associatedEntity === entity && live(a))
    .map((a) => String(a.lastUpdatedTime?.valueOf() ?? ''))
    .sort()
    .join(',');

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
  const since = (entries: readonly ResourceShareAssociation[], entity: string) =>
    entries
      .filter((a) => a.associatedEntity === entity && !live(a))
      .map((a) => String(a.lastUpdatedTime?.valueOf() ?? ''))
      .sort()
      .join(',');
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
          addResource ? `${resourceArn}@${since(everResource, resourceArn)}` : '',
          ...missing.map((p) => `${p}@${since(everPrincipals, p)}`),
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
 * share: aws/pointer-shares-held.ts), touching RAM only for the parameter: its RESOURCE associations read, the
 * association made if it is not live, then confirmed. No share lookup and no principal read — those are known. A
 * share RAM no longer has (deleted outside Goldsmith) answers UnknownResourceException, and the caller falls back to
 * {@link ensurePointerShared}.
 * @throws PointerShareNotReadyError while RAM is still associating; PointerShareFailedError when it refused.
 */
export async function addParameterToHeldShare(req: {
  region: string;
  resourceShareArn: string;
  resourceArn: string;
}): Promise<void> {
  const { region, resourceShareArn, resourceArn } = req;
  const ever = await associations(region, resourceShareArn, 'RESOURCE', resourceArn);
  const current = ever.filter(live);
  if (current.length === 0) {
    const before = ever
      .filter((a) => !live(a))
      .map((a) => String(a.lastUpdatedTime?.valueOf() ?? ''))
      .sort()
      .join(',');
    await ramClient(region).send(
      new AssociateResourceShareCommand({
        resourceShareArn,
        resourceArns: [resourceArn],
        // The same token as ensurePointerShared's for the same parameter and history: a retry by either is one call.
        clientToken: clientToken('associate', resourceShareArn, `${resourceArn}@${before}`),
      }),
    );
  } else if (current.every((a) => a.status === 'ASSOCIATED')) return;
  const now = await associations(region, resourceShareArn, 'RESOURCE', resourceArn);
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

/** Every wanted principal and the parameter ASSOCIATED, or the reason it is not (yet). */
async function verify(
  region: string,
  resourceShareArn: string,
  resourceArn: string,
  principals: readonly string[],
): Promise<void> {
  const wanted = [
    ...(await associations(region, resourceShareArn, 'PRINCIPAL')).filter((a) =>
      principals.includes(a.associatedEntity ?? ''),
    ),
    ...(await associations(region, resourceShareArn, 'RESOURCE', resourceArn)),
  ];
  const failed = wanted.find((a) => a.status === 'FAILED');
  if (failed) {
    throw new PointerShareFailedError(
      `RAM could not share ${resourceArn} with ${failed.associatedEntity} in ${region}: ${failed.statusMessage ?? 'FAILED'}`,
    );
  }
  const seen = new Set(wanted.filter((a) => a.status === 'ASSOCIATED').map((a) => a.associatedEntity));
  const pending = [...principals, resourceArn].filter((p) => !seen.has(p));
  if (pending.length > 0) {
    throw new PointerShareNotReadyError(`RAM is still associating ${pending.join(', ')} in ${region}`);
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
