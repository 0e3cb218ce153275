import { type MigrationRun, runLedgerMigrations } from '../aws/ledger/migrations.js';
import { isTransient } from '../core/errors/classify.js';
import { logger } from './lib/powertools.js';

/** What the reconciler's run of the ledger migrations did, or why it could not. */
export interface MigrationsReport extends Partial<MigrationRun> {
  failure?: string;
  permanent?: boolean;
}

/**
 * Brings a bounded batch of older ledger items to this release's record format (aws/ledger/migrations.ts), first in every
 * run, so the open-work and image-view reads after it see what older releases left open. Once the walk is done a
 * run costs one GetItem. A failure is reported, never thrown here: the rest of the run goes on, and the next run
 * takes the walk up from the last page it recorded.
 */
export async function migrateLedger(now: Date): Promise<MigrationsReport> {
  try {
    const run = await runLedgerMigrations({ at: now });
    if (run.migrated > 0 || run.movedOn > 0) logger.info('ledger migrated', { ...run });
    return run;
  } catch (error) {
    const failure = `ledger migration: ${error instanceof Error ? error.message : String(error)}`;
    return { failure, permanent: !isTransient(error) };
  }
}
