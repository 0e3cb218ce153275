import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ramShareKey } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { batchGetItems } from '../ledger/batch-get.js';
import { isConditionFailure } from '../ledger/ledger-writes.js';

/**
 * The channel pointer shares in force, as the ledger holds them (`RAMSHARE#<region>` / `SHARE#<name>`, keys.ts):
 * the share's ARN, the principals it was last made to reach, the parameters associated with it, and when RAM last
 * confirmed all of that. Publish reads them to touch RAM only for what is new; what RAM holds is the truth, so every
 * write here follows a RAM change RAM confirmed, and a withdrawn parameter is forgotten before it is unshared.
 */
export interface HeldPointerShare {
  region: string;
  name: string;
  resourceShareArn: string;
  /** Sorted principals (account ids, OU ARNs, the organization ARN). */
  principals: string[];
  /** Parameter ARNs associated. */
  resources: string[];
  /** When RAM last confirmed the principals and every resource listed ASSOCIATED. */
  verifiedAt: string;
  /** Parameters forgotten before they were taken out of the share, counted (0 for a share recorded before the count). */
  withdrawals: number;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] =>
  v instanceof Set || Array.isArray(v) ? [...(v as Iterable<unknown>)].filter((x) => typeof x === 'string') : [];

/** The held shares named `name` in `regions`, in one BatchGetItem (strongly consistent). */
export async function readHeldPointerShares(
  regions: readonly string[],
  name: string,
): Promise<Map<string, HeldPointerShare>> {
  return new Map((await readHeldPointerSharesOf(regions, [name])).map((s) => [s.region, s]));
}

/** Every held share of the given names in the given Regions (BatchGetItem, strongly consistent), sorted. */
export async function readHeldPointerSharesOf(
  regions: readonly string[],
  names: readonly string[],
): Promise<HeldPointerShare[]> {
  const items = await batchGetItems(
    ledgerTable(),
    regions.flatMap((r) => names.map((n) => ramShareKey(r, n))),
  );
  const held: HeldPointerShare[] = [];
  for (const item of items ?? []) {
    const region = text(item.region);
    const name = text(item.name);
    const resourceShareArn = text(item.resourceShareArn);
    const verifiedAt = text(item.verifiedAt);
    if (!region || !name || !names.includes(name) || !resourceShareArn || !verifiedAt) continue;
    held.push({
      region,
      name,
      resourceShareArn,
      principals: strings(item.principals).sort(),
      resources: strings(item.resources).sort(),
      verifiedAt,
      withdrawals: typeof item.withdrawals === 'number' ? item.withdrawals : 0,
    });
  }
  return held.sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
}

/**
 * Records what RAM confirmed in force after Publish made it so: the share, exactly `principals`, and `resourceArn`
 * among its resources (added to a string set, so concurrent publishes of other images into the same share keep
 * each other's parameters).
 */
export async function recordPointerShareInForce(share: {
  region: string;
  name: string;
  resourceShareArn: string;
  principals: readonly string[];
  resourceArn: string;
  at: string;
}): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: ramShareKey(share.region, share.name),
      UpdateExpression:
        'SET #region = :region, #name = :name, resourceShareArn = :arn, principals = :principals, verifiedAt = :at ADD resources :resource',
      ExpressionAttributeNames: { '#region': 'region', '#name': 'name' },
      ExpressionAttributeValues: {
        ':region': share.region,
        ':name': share.name,
        ':arn': share.resourceShareArn,
        ':principals': [...new Set(share.principals)].sort(),
        ':at': share.at,
        ':resource': new Set([share.resourceArn]),
      },
    }),
  );
}

/**
 * Forgets a parameter about to be taken out of the share, so no later Publish trusts it is still associated, and
 * counts the withdrawal.
 */
export async function forgetPointerShareResource(region: string, name: string, resourceArn: string): Promise<void> {
  await documentClient()
    .send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: ramShareKey(region, name),
        // Counted, so adding the parameter again later is a new RAM call (aws/sharing/ram.ts addParameterToHeldShare).
        UpdateExpression: 'DELETE resources :resource ADD withdrawals :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':resource': new Set([resourceArn]), ':one': 1 },
      }),
    )
    .catch((error: unknown) => {
      // Nothing held for this share: nothing to forget.
      if (isConditionFailure(error)) return;
      throw error;
    });
}
