import { GetCommand, PutCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  holdsMigration,
  type ItemMigration,
  MIGRATION_STEPS,
  type MigrationContext,
  migrationMarkerKey,
  migrationOf,
} from '../../core/ledger/migrations.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { currentTaskTokenKey } from '../promotion/task-tokens.js';
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

const markerKey = migrationMarkerKey;

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
}

const get = async (Key: Record<string, unknown>) =>
  (await documentClient().send(new GetCommand({ TableName: ledgerTable(), Key, ConsistentRead: true }))).Item;

/**
 * Writes one item's migration and reads it back.
 * @returns whether the item holds it: false when a writer changed the item first (its condition failed).
 */
async function migrateItem(Key: Record<string, unknown>, migration: ItemMigration): Promise<boolean> {
  const wrote = await conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key,
        UpdateExpression: migration.updateExpression,
        ConditionExpression: migration.conditionExpression,
        ExpressionAttributeNames: migration.names,
        ExpressionAttributeValues: migration.values,
      }),
    ),
  );
  return wrote && holdsMigration(await get(Key), migration);
}

/**
 * The keys the steps use, as the walk's function reads them: the task-token key where its environment names it (the
 * reconciler's does: it seals the tokens 0.2.0 kept in the clear). Without it, nothing is sealed by this walk.
 */
async function migrationContext(at: Date): Promise<MigrationContext> {
  if (!process.env.TASK_TOKEN_SECRET_NAME) return {};
  return { taskTokenKey: await currentTaskTokenKey(at) };
}

/**
 * Runs every registered ledger migration over at most `pages` pages of the table (or `budgetMs`), from where the
 * last run stopped. Idempotent: an item in the current format is read and left alone, and a finished walk is not
 * walked again. The marker moves on only after the page's items are read back, and only from where this run found
 * it: of two overlapping runs, one moves it and the other stops.
 */
export async function runLedgerMigrations(
  options: { pages?: number; pageItems?: number; budgetMs?: number; at?: Date } = {},
): Promise<MigrationRun> {
  const started = performance.now();
  const run: MigrationRun = { done: false, scanned: 0, migrated: 0, movedOn: 0 };
  let last = (await get(markerKey)) as Marker | undefined;
  if (last?.done) return { ...run, done: true };
  const context = await migrationContext(options.at ?? new Date());
  const pages = paginateScan(
    {
      client: documentClient(),
      pageSize: options.pageItems ?? MIGRATION_PAGE_ITEMS,
      ...(last?.position ? { startingToken: last.position } : {}),
    },
    { TableName: ledgerTable() },
  );
  let read = 0;
  for await (const page of pages) {
    const items = (page.Items ?? []).filter((item) => item.pk !== markerKey.pk);
    let migrated = 0;
    for (const item of items) {
      const migration = migrationOf(item, MIGRATION_STEPS, context);
      if (!migration) continue;
      if (await migrateItem({ pk: item.pk, sk: item.sk }, migration)) migrated += 1;
      else run.movedOn += 1;
    }
    run.scanned += items.length;
    run.migrated += migrated;
    const done = page.LastEvaluatedKey === undefined;
    const next: Marker = {
      ...(done ? {} : { position: page.LastEvaluatedKey }),
      done,
      scanned: (last?.scanned ?? 0) + items.length,
      migrated: (last?.migrated ?? 0) + migrated,
      revision: (last?.revision ?? 0) + 1,
      updatedAt: (options.at ?? new Date()).toISOString(),
    };
    const moved = await conditionalWrite(() =>
      documentClient().send(
        new PutCommand({
          TableName: ledgerTable(),
          Item: { ...markerKey, kind: 'migration', ...next },
          ...(last
            ? { ConditionExpression: 'revision = :was', ExpressionAttributeValues: { ':was': last.revision } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      ),
    );
    if (!moved) return run;
    last = next;
    read += 1;
    if (done) return { ...run, done: true };
    if (read >= (options.pages ?? MIGRATION_PAGES_PER_RUN)) break;
    if (performance.now() - started > (options.budgetMs ?? MIGRATION_BUDGET_MS)) break;
  }
  return run;
}
