import { GetCommand, PutCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { holdsMigration, type ItemMigration, migrationOf } from '../core/ledger/migrations.js';
import { RECORD_FORMAT } from '../core/ledger/record-format.js';
import { documentClient, ledgerTable } from './clients/dynamodb.js';
import { conditionalWrite } from './ledger-writes.js';

/**
 * Brings the ledger's items to this release's record format (core/ledger/migrations.ts), in bounded batches the
 * reconciler runs without an operator (functions/reconcile.ts), and the upgrade rehearsal runs on the local cloud.
 * Where the walk has got to is a marker in the ledger (`MIGRATIONS` / `FORMAT#<format>`): each run goes on from
 * there, and once the walk reached the table's end the marker says so and a run costs one GetItem.
 *
 * The walk is a Scan in pages: a page ends where `LastEvaluatedKey` says, the next starts there, and the walk is
 * over when a page has none (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html). Each
 * migrated item is read back (strongly consistent) before the marker moves past it.
 */

/**
 * Items a Scan page holds (its `Limit`), pages one run reads at most, and the time after which a run reads no further
 * page: a run of the reconciler (every six hours, 300 s timeout) spends at most about a minute on the walk.
 */
export const MIGRATION_PAGE_ITEMS = 500;
export const MIGRATION_PAGES_PER_RUN = 8;
export const MIGRATION_BUDGET_MS = 60_000;

const markerKey = { pk: 'MIGRATIONS', sk: `FORMAT#${RECORD_FORMAT}` } as const;

interface Marker {
  /** The key the next page starts after; absent before the first page. */
  position?: Record<string, unknown>;
  done: boolean;
  scanned: number;
  migrated: number;
  /** Moves with every page: what an overlapping run's write is conditional on. */
  revision: number;
  updatedAt: string;
}

export interface MigrationRun {
  /** The walk reached the table's end (in this run or before it). */
  done: boolean;
  /** Items this run read, and those it brought to the current format (read back). */
  scanned: number;
  migrated: number;
  /** Items a writer moved on between the read and the migration's write: left to their writer, who wrote them whole. */
  movedOn: number;
  /** What each step added in this run, by step id. */
  steps: Record<string, number>;
}

async function readMarker(): Promise<Marker | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: markerKey, ConsistentRead: true }),
  );
  return out.Item as Marker | undefined;
}

/** Moves the marker on, conditional on it being where this run found it: of two overlapping runs, one moves it. */
async function moveMarker(found: Marker | undefined, next: Marker): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: { ...markerKey, kind: 'migration', ...next },
        ...(found
          ? {
              ConditionExpression: 'revision = :was',
              ExpressionAttributeValues: { ':was': found.revision },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    ),
  );
}

/** Writes one item's migration and reads it back: 'migrated', or 'moved-on' when a writer changed it first. */
async function migrateItem(key: { pk: unknown; sk: unknown }, migration: ItemMigration) {
  const wrote = await conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: key.pk, sk: key.sk },
        UpdateExpression: migration.updateExpression,
        ConditionExpression: migration.conditionExpression,
        ExpressionAttributeNames: migration.names,
        ExpressionAttributeValues: migration.values,
      }),
    ),
  );
  if (!wrote) return 'moved-on' as const;
  const back = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
  );
  return holdsMigration(back.Item, migration) ? ('migrated' as const) : ('moved-on' as const);
}

/**
 * Runs every registered ledger migration over at most `pages` pages of the table, from where the last run stopped.
 * Idempotent: an item already in the current format is read and left alone, and a finished walk is not walked again.
 */
export async function runLedgerMigrations(
  options: { pages?: number; pageItems?: number; budgetMs?: number; at?: Date } = {},
): Promise<MigrationRun> {
  const started = performance.now();
  const run: MigrationRun = { done: false, scanned: 0, migrated: 0, movedOn: 0, steps: {} };
  const found = await readMarker();
  if (found?.done) return { ...run, done: true };
  let last = found;
  const pages = paginateScan(
    {
      client: documentClient(),
      pageSize: options.pageItems ?? MIGRATION_PAGE_ITEMS,
      ...(found?.position ? { startingToken: found.position } : {}),
    },
    { TableName: ledgerTable() },
  );
  let read = 0;
  for await (const page of pages) {
    let migrated = 0;
    for (const item of page.Items ?? []) {
      if (item.pk === markerKey.pk) continue;
      run.scanned += 1;
      const migration = migrationOf(item);
      if (!migration) continue;
      const outcome = await migrateItem({ pk: item.pk, sk: item.sk }, migration);
      if (outcome === 'moved-on') {
        run.movedOn += 1;
        continue;
      }
      migrated += 1;
      for (const step of migration.steps) run.steps[step] = (run.steps[step] ?? 0) + 1;
    }
    run.migrated += migrated;
    const end = page.LastEvaluatedKey === undefined;
    const next: Marker = {
      ...(end ? {} : { position: page.LastEvaluatedKey }),
      done: end,
      scanned: (last?.scanned ?? 0) + (page.Items?.length ?? 0),
      migrated: (last?.migrated ?? 0) + migrated,
      revision: (last?.revision ?? 0) + 1,
      updatedAt: (options.at ?? new Date()).toISOString(),
    };
    // Another run moved the marker meanwhile: it walks on from there; this one stops.
    if (!(await moveMarker(last, next))) return run;
    last = next;
    read += 1;
    if (end) return { ...run, done: true };
    if (read >= (options.pages ?? MIGRATION_PAGES_PER_RUN)) break;
    if (performance.now() - started > (options.budgetMs ?? MIGRATION_BUDGET_MS)) break;
  }
  return run;
}
