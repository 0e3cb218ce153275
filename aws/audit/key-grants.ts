import { paginateListGrants, RevokeGrantCommand } from '@aws-sdk/client-kms';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type GrantCount, KEY_GRANTS_PK, keyGrantsSk, type ListedGrant } from '../../core/audit/key-grants.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { kmsClient } from '../clients/kms.js';
import { batchGetItems } from '../ledger/batch-get.js';

/**
 * The AMI key's grants in one Region as KMS holds them (functions/key-grants.ts), and their count in the ledger.
 */

/**
 * ListGrants' largest page: `Limit` is "1 to 100", default 50; the next page is asked with `Marker` = the last
 * `NextMarker` while `Truncated` is true (https://docs.aws.amazon.com/kms/latest/APIReference/API_ListGrants.html),
 * which the SDK's paginator does.
 */
export const LIST_GRANTS_PAGE = 100;

/**
 * Every grant on the key `keyArn` in `region` (ListGrants, paginated), each with the GrantListEntry fields the sweep
 * judges by: GranteePrincipal, Name, CreationDate, Operations, Constraints
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantListEntry.html).
 */
export async function listKeyGrants(region: string, keyArn: string): Promise<ListedGrant[]> {
  const grants: ListedGrant[] = [];
  const pages = paginateListGrants({ client: kmsClient(region), pageSize: LIST_GRANTS_PAGE }, { KeyId: keyArn });
  for await (const page of pages)
    for (const g of page.Grants ?? [])
      if (g.GrantId)
        grants.push({
          grantId: g.GrantId,
          name: g.Name,
          granteePrincipal: g.GranteePrincipal,
          issuingAccount: g.IssuingAccount,
          creationDate: g.CreationDate?.toISOString(),
          operations: g.Operations,
          constrained: g.Constraints !== undefined && Object.keys(g.Constraints).length > 0,
        });
  return grants;
}

/**
 * Revokes one grant as the key's owner: RevokeGrant, "Required permissions: kms:RevokeGrant (key policy)"
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_RevokeGrant.html); RetireGrant is the call of the grant's
 * retiring or grantee principal, RevokeGrant the key administrators'
 * (https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html).
 * @returns `gone` when KMS holds no such grant any more (NotFoundException: revoked or retired before).
 */
export async function revokeKeyGrant(region: string, keyArn: string, grantId: string): Promise<'revoked' | 'gone'> {
  try {
    await kmsClient(region).send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: grantId }));
    return 'revoked';
  } catch (error) {
    if (error instanceof Error && error.name === 'NotFoundException') return 'gone';
    throw error;
  }
}

/**
 * Keeps a Region's latest count (`KEYGRANTS` / `REGION#<region>`) and reads it back, strongly consistent.
 * @returns whether the ledger holds this count now (a later count written meanwhile wins).
 */
export async function recordGrantCount(count: GrantCount): Promise<boolean> {
  const key = { pk: KEY_GRANTS_PK, sk: keyGrantsSk(count.region) };
  await documentClient()
    .send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: { ...key, kind: 'key-grants', ...count },
        // A count never replaces a newer one (two runs at once, or a retried one).
        ConditionExpression: 'attribute_not_exists(countedAt) OR countedAt <= :at',
        ExpressionAttributeValues: { ':at': count.countedAt },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    });
  const held = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: key, ConsistentRead: true }),
  );
  return held.Item?.countedAt === count.countedAt && held.Item?.total === count.total;
}

/**
 * The counts the ledger holds for `regions` (strongly consistent), by Region: one BatchGetItem for every Region (up
 * to 100 keys a request) instead of a GetItem each. A Region with no count, or an unreadable one, is absent.
 */
export async function readGrantCounts(regions: readonly string[]): Promise<Map<string, GrantCount>> {
  const items = await batchGetItems(
    ledgerTable(),
    regions.map((region) => ({ pk: KEY_GRANTS_PK, sk: keyGrantsSk(region) })),
  );
  const regionOf = new Map(regions.map((region) => [keyGrantsSk(region), region]));
  const counts = new Map<string, GrantCount>();
  for (const item of items) {
    const region = regionOf.get(String(item.sk));
    const count = region === undefined ? undefined : grantCountOf(region, item);
    if (region !== undefined && count) counts.set(region, count);
  }
  return counts;
}

/** A Region's count item as the ledger holds it, or undefined when it lacks what a count is. */
function grantCountOf(region: string, item: Record<string, unknown>): GrantCount | undefined {
  if (typeof item.countedAt !== 'string' || typeof item.total !== 'number' || typeof item.keyArn !== 'string')
    return undefined;
  return {
    region,
    keyArn: item.keyArn,
    total: item.total,
    accounts: typeof item.accounts === 'number' ? item.accounts : 0,
    top: Array.isArray(item.top) ? (item.top as GrantCount['top']) : [],
    countedAt: item.countedAt,
    ...(typeof item.kept === 'number' && { kept: item.kept }),
  };
}

/**
 * A kept leftover's item: when a run first kept the grant (its bound runs from then). It expires a week later (the
 * ledger's `expiresAt`); a revoked grant's item is left to expire (grant ids are not reused).
 */
const keptKey = (region: string, grantId: string) => ({ pk: KEY_GRANTS_PK, sk: `KEPT#${region}#${grantId}` });
const KEPT_ITEM_DAYS = 7;

/** When a run first kept the grant `grantId` in `region`, if one did. */
export async function grantKeptSince(region: string, grantId: string): Promise<string | undefined> {
  const held = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: keptKey(region, grantId), ConsistentRead: true }),
  );
  return typeof held.Item?.since === 'string' ? held.Item.since : undefined;
}

/** Records that a run kept the grant at `since`; a first record stays (a later run never moves the bound). */
export async function recordGrantKept(region: string, grantId: string, since: string): Promise<void> {
  const expiresAt = Math.floor(Date.parse(since) / 1000) + KEPT_ITEM_DAYS * 86_400;
  await documentClient()
    .send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: { ...keptKey(region, grantId), kind: 'key-grant-kept', since, expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    });
}
