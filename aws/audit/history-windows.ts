import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { historyBehindIn } from '../../core/audit/history-lag.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import { FACTORY_DRIFT_PK } from './audit-ledger.js';
import { lastSweptAt } from './sweep-ledger.js';

/**
 * Where the daily read of CloudTrail's event history ended in each Region (functions/audit-history.ts): one item,
 * `SWEEP#event-history` in the factory's audit partition, its `windows` a map of Region → the last window's end (ISO
 * 8601) and `version` the count of its writes. One GetItem and one conditional UpdateItem a run, whatever the number
 * of Regions.
 */

const KEY = { pk: FACTORY_DRIFT_PK, sk: 'SWEEP#event-history' } as const;

/** The windows' ends by Region, and the item's version as read (0: no item yet). */
export interface HistoryWindows {
  ends: Record<string, string>;
  version: number;
}

/**
 * Reads every Region's window end (strongly consistent). A Region the item does not name is read once from the
 * earlier layout's own item (`SWEEP#event-history#<region>`), so that the first run after an upgrade starts where
 * the last one ended; a Region neither names starts as a first window (core/audit/event-history.ts `lookupWindow`).
 */
export async function readHistoryWindows(regions: readonly string[]): Promise<HistoryWindows> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: KEY, ConsistentRead: true }),
  );
  const stored: unknown = Item?.windows;
  const ends: Record<string, string> = {};
  if (typeof stored === 'object' && stored !== null)
    for (const [region, end] of Object.entries(stored)) if (typeof end === 'string') ends[region] = end;
  for (const region of regions) {
    if (ends[region] !== undefined) continue;
    const earlier = await lastSweptAt(`event-history#${region}`);
    if (earlier !== undefined) ends[region] = earlier;
  }
  const version = typeof Item?.version === 'number' ? Item.version : 0;
  return { ends, version };
}

/**
 * Records the Regions' new window ends over those read (`read`), in one UpdateItem conditional on the version read:
 * a concurrent run that wrote in between wins, and this run's windows are looked up again by the next (the auditors
 * read a change back twice and put it back once).
 * @returns false when the condition failed (another run wrote first).
 */
export async function recordHistoryWindows(read: HistoryWindows, ends: Record<string, string>): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: KEY,
        UpdateExpression: 'SET #windows = :windows, #version = :next, kind = :kind',
        ConditionExpression: read.version === 0 ? 'attribute_not_exists(#version)' : '#version = :version',
        ExpressionAttributeNames: { '#windows': 'windows', '#version': 'version' },
        ExpressionAttributeValues: {
          ':windows': { ...read.ends, ...ends },
          ':next': read.version + 1,
          ':kind': 'audit-sweep',
          ...(read.version === 0 ? {} : { ':version': read.version }),
        },
      }),
    ),
  );
}

/**
 * The Regions among `regions` where the event history's daily read is behind (core/audit/history-lag.ts), from the
 * windows' item: what the sweeps it stands in for ask before waiting their period.
 */
export async function historyBehind(regions: readonly string[], now: Date): Promise<string[]> {
  return historyBehindIn((await readHistoryWindows(regions)).ends, regions, now);
}
