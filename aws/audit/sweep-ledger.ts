import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CLOCK_SKEW_MS } from '../../core/duration.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import { FACTORY_DRIFT_PK } from './audit-ledger.js';

/**
 * When each periodic sweep last completed (the audit's launch permissions and pointers, the reconciler's listing of
 * every pipeline), one item per sweep in the factory's audit partition (`FACTORY#audit`, `SWEEP#<kind>`): written only
 * once a sweep has run without a failure, so a sweep that failed or never ran is still overdue on the next full pass.
 */

/**
 * `functions`: the functions' full read-back; `event-history#<region>`: the earlier layout's record of where the last
 * read of CloudTrail's event history in that Region ended, read once as the fallback (aws/audit/history-windows.ts).
 */
export type SweepKind =
  | 'launch-permissions'
  | 'pointers'
  | 'pointer-policies'
  | 'pipelines'
  | 'functions'
  | `event-history#${string}`;

const sweepKey = (kind: SweepKind) => ({ pk: FACTORY_DRIFT_PK, sk: `SWEEP#${kind}` });

/** When the sweep last completed (ISO 8601), or undefined when it never has (strongly consistent read). */
export async function lastSweptAt(kind: SweepKind): Promise<string | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: sweepKey(kind), ConsistentRead: true }),
  );
  const at: unknown = Item?.sweptAt;
  return typeof at === 'string' ? at : undefined;
}

/**
 * Records that the sweep completed at `at`; never moves the time back (a late retry of an older run), except from a
 * time more than CLOCK_SKEW_MS ahead of the clock now, which no run wrote (it would otherwise hold every later record
 * off).
 * @returns false when a later (or the same) completion was already recorded.
 */
export async function recordSweep(kind: SweepKind, at: string): Promise<boolean> {
  const ahead = new Date(Date.now() + CLOCK_SKEW_MS).toISOString();
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: sweepKey(kind),
        UpdateExpression: 'SET sweptAt = :at, kind = :kind',
        ConditionExpression: 'attribute_not_exists(sweptAt) OR sweptAt < :at OR sweptAt > :ahead',
        ExpressionAttributeValues: { ':at': at, ':ahead': ahead, ':kind': 'audit-sweep' },
      }),
    ),
  );
}
