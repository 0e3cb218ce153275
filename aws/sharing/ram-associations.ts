import { createHash } from 'node:crypto';
import {
  paginateGetResourceShareAssociations,
  paginateGetResourceShares,
  type ResourceShareAssociation,
} from '@aws-sdk/client-ram';
import { ramClient } from '../clients/ram.js';
import {
  ForeignPointerShareError,
  PointerShareFailedError,
  PointerShareNotReadyError,
} from './pointer-share-errors.js';

/**
 * RAM's reads for the channels' pointer shares (aws/sharing/ram.ts writes): the share found by name, its associations, and
 * the client tokens its writes derive from them.
 */

/** A client token RAM keeps for idempotency, derived from what the call asks for (at most 64 characters). */
export function clientToken(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 64);
}

/** The tag Goldsmith puts on every share it creates; a share without it is never adopted. */
export const POINTER_SHARE_TAG = { key: 'goldsmith:purpose', value: 'channel-pointers' } as const;

/** Whether a share's tags (as GetResourceShares answers them) hold `POINTER_SHARE_TAG`. */
const taggedAsGoldsmiths = (tags: readonly { key?: string | undefined; value?: string | undefined }[] | undefined) =>
  tags?.some((t) => t.key === POINTER_SHARE_TAG.key && t.value === POINTER_SHARE_TAG.value) ?? false;

/**
 * The channel's share in `region`, adopted only when Goldsmith created it: tagged `goldsmith:purpose =
 * channel-pointers` (set at creation) and closed to external principals. Another ACTIVE share of the same name, made
 * by someone else or opened to external principals, is refused rather than filled with Goldsmith's pointers
 * (GetResourceShares returns both fields: https://docs.aws.amazon.com/ram/latest/APIReference/API_ResourceShare.html).
 */
export async function findShare(region: string, name: string): Promise<string | undefined> {
  const pages = paginateGetResourceShares(
    { client: ramClient(region) },
    { resourceOwner: 'SELF', name, resourceShareStatus: 'ACTIVE' },
  );
  for await (const page of pages) {
    const found = page.resourceShares?.find((s) => s.name === name && s.resourceShareArn);
    if (!found?.resourceShareArn) continue;
    if (!taggedAsGoldsmiths(found.tags)) {
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

export async function associations(
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

/** A share as GetResourceShares describes it, to the fields Goldsmith reads. */
export interface ShareHeld {
  resourceShareArn: string;
  name: string;
  status: string;
  allowExternalPrincipals: boolean;
  /** `STANDARD`, `CREATED_FROM_POLICY` (RAM made it for a resource policy) or `PROMOTING_TO_STANDARD`. */
  featureSet: string;
  /** Tagged as Goldsmith tags the shares it creates (`POINTER_SHARE_TAG`). */
  goldsmiths: boolean;
}

/**
 * The given shares of one Region as RAM holds them now (GetResourceShares, owner SELF, by ARN, every page): name,
 * status, whether they allow external principals, feature set and tags
 * (https://docs.aws.amazon.com/ram/latest/APIReference/API_ResourceShare.html). A share deleted since is absent or
 * DELETED.
 */
export async function sharesHeld(region: string, resourceShareArns: readonly string[]): Promise<ShareHeld[]> {
  if (resourceShareArns.length === 0) return [];
  const found: ShareHeld[] = [];
  const pages = paginateGetResourceShares(
    { client: ramClient(region) },
    { resourceOwner: 'SELF', resourceShareArns: [...resourceShareArns] },
  );
  for await (const page of pages) {
    for (const s of page.resourceShares ?? []) {
      if (!s.resourceShareArn || !s.name) continue;
      found.push({
        resourceShareArn: s.resourceShareArn,
        name: s.name,
        status: s.status ?? '',
        allowExternalPrincipals: s.allowExternalPrincipals !== false,
        featureSet: s.featureSet ?? 'STANDARD',
        goldsmiths: taggedAsGoldsmiths(s.tags),
      });
    }
  }
  return found;
}

export const live = (a: ResourceShareAssociation) => a.status === 'ASSOCIATED' || a.status === 'ASSOCIATING';

/**
 * When the live association of `entity` last changed (part of a client token: see ensurePointerShared). Not its
 * creation time: an entity taken out and added back may keep its first association's.
 */
export const associatedSince = (entries: readonly ResourceShareAssociation[], entity: string): string =>
  entries
    .filter((a) => a.associatedEntity === entity && live(a))
    .map((a) => String(a.lastUpdatedTime?.valueOf() ?? ''))
    .sort()
    .join(',');

/**
 * When `entity`'s associations that are no longer live last changed (part of a client token: adding back what was
 * taken out is a new call, a retry of the same call is not).
 */
export const unassociatedSince = (entries: readonly ResourceShareAssociation[], entity: string): string =>
  entries
    .filter((a) => a.associatedEntity === entity && !live(a))
    .map((a) => String(a.lastUpdatedTime?.valueOf() ?? ''))
    .sort()
    .join(',');

/** Every wanted principal and the parameter ASSOCIATED, or the reason it is not (yet). */
export async function verify(
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
