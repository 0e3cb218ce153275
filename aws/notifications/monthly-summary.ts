import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { summaryKey } from '../../core/ledger/keys.js';
import type { MonthlySummary } from '../../core/notifications/monthly-summary.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { isConditionFailure } from '../ledger/ledger-writes.js';

/** A month's summary as the ledger keeps it: what was (or is being) announced, and when it was first computed. */
export interface StoredSummary {
  month: string;
  detail: MonthlySummary;
  at: string;
}

/** The summary of `month` already in the ledger, if any. */
export async function storedSummary(month: string): Promise<StoredSummary | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: summaryKey(month), ConsistentRead: true }),
  );
  const item = out.Item;
  return item ? { month, detail: item.detail as MonthlySummary, at: String(item.at) } : undefined;
}

/**
 * Keeps `summary` as the one summary of its month, unless another run kept one first (a second delivery of the
 * schedule, a retry): then that one is returned, so every run announces the same document.
 */
export async function keepSummary(summary: StoredSummary): Promise<StoredSummary> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: { ...summaryKey(summary.month), kind: 'monthly-summary', ...summary },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    );
    return summary;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const first = await storedSummary(summary.month);
    if (!first) throw err;
    return first;
  }
}
