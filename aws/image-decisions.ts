import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { imagePk, skPrefix } from '../core/ledger/keys.js';
import { documentClient, ledgerTable } from './clients/dynamodb.js';
import type { RevocationItem } from './lifecycle-ledger.js';
import type { OutcomeRecord } from './promotion-ledger.js';
import type { ScheduledRevocation } from './scheduled-revocations.js';

/** An image's channel decisions, revocations and scheduled revocations, raw as their own readers return them. */
export interface DecisionsAndRevocations {
  /** `PROMOTION#…` (listOutcomes). */
  outcomes: OutcomeRecord[];
  /** `REVOCATION#…` (listRevocations). */
  revocations: RevocationItem[];
  /** `REVOKE-AT#…`, cancelled ones included. */
  scheduled: ScheduledRevocation[];
}

const RANGE = [skPrefix.promotion, skPrefix.revocation, skPrefix.scheduledRevocation] as const;

/**
 * An image's `PROMOTION#`, `REVOCATION#` and `REVOKE-AT#` items in one paginated Query instead of three: the three
 * prefixes are next to each other in the partition's sort-key order (strings by their UTF-8 bytes), so the range
 * from `PROMOTION#` to just past `REVOKE-AT#` holds them and nothing else the ledger writes; an item of another
 * prefix found there is left out. A Query reads, and is billed for, the items its key condition matches, their
 * sizes summed and rounded up to 4 KB once per request, so one Query over the three bills no more than three
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html). Eventually
 * consistent, as each of the three reads was.
 */
export async function readDecisionsAndRevocations(image: string): Promise<DecisionsAndRevocations> {
  const read: DecisionsAndRevocations = { outcomes: [], revocations: [], scheduled: [] };
  const last = skPrefix.scheduledRevocation;
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :past',
      ExpressionAttributeValues: {
        ':pk': imagePk(image),
        ':from': RANGE[0],
        // `$` follows `#`: past every key starting with `REVOKE-AT#`.
        ':past': `${last.slice(0, -1)}$`,
      },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const sk = typeof item.sk === 'string' ? item.sk : '';
      if (sk.startsWith(skPrefix.promotion)) read.outcomes.push(item as OutcomeRecord);
      else if (sk.startsWith(skPrefix.revocation)) read.revocations.push(item as RevocationItem);
      else if (sk.startsWith(skPrefix.scheduledRevocation)) read.scheduled.push(item as ScheduledRevocation);
    }
  }
  return read;
}
