import { runLedgerMigrations } from '../../aws/ledger/migrations.js';
import { RECORD_FORMAT } from '../../core/ledger/record-format.js';

/**
 * The migrations an upgrade of a saved local cloud runs (upgrade.ts), after the new templates are deployed into it
 * and before anything runs on: the same ones a release's upgrading notes tell an operator to run against a
 * deployment. Each runs with the SDK clients on the opened cloud (aws/clients.ts), at the saved instant.
 */
export interface CloudMigration {
  /** Names it in the upgrade's report, e.g. `ledger records to schema 2`. */
  name: string;
  /** Runs it when upgrading from one of these releases (every release when absent). */
  from?: readonly string[];
  /** Does the work; says in one line what it changed. */
  run(context: MigrationContext): Promise<string>;
}

/** What a migration runs with on the upgraded cloud. */
export interface MigrationContext {
  from: string;
  to: string;
  tables: readonly string[];
  /**
   * The environment of the function that makes the same walk in a deployment (the reconciler's, as the upgraded
   * stacks set it): its ledger table and task-token key name, so the rehearsal seals 0.2.0's clear task tokens as
   * the deployed walk does.
   */
  environment?: Readonly<Record<string, string>>;
}

/** The walk's environment variables, set for `work` and put back as they were after it. */
async function withEnvironment<T>(variables: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(variables).map((k) => [k, process.env[k]]));
  Object.assign(process.env, variables);
  try {
    return await work();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * The ledger's records to this release's format (aws/ledger/migrations.ts): the walk the reconciler makes a bounded batch a
 * run in a deployment, here to its end before anything runs on, with the reconciler's task-token key name (it seals the
 * task tokens 0.2.0 kept in the clear). The ledger is the app's first table, as every reader of the local cloud's
 * ledger takes it.
 */
const ledgerRecords: CloudMigration = {
  name: `ledger records to format ${RECORD_FORMAT}`,
  async run({ tables, environment }) {
    const table = tables[0];
    if (!table) return 'no ledger';
    const secret = environment?.TASK_TOKEN_SECRET_NAME;
    return withEnvironment({ LEDGER_TABLE: table, ...(secret ? { TASK_TOKEN_SECRET_NAME: secret } : {}) }, async () => {
      const total = { scanned: 0, migrated: 0 };
      for (let run = { done: false }; !run.done; ) {
        const next = await runLedgerMigrations({ pages: Number.POSITIVE_INFINITY, budgetMs: Number.POSITIVE_INFINITY });
        total.scanned += next.scanned;
        total.migrated += next.migrated;
        run = next;
      }
      return `${total.scanned} items read, ${total.migrated} brought to format ${RECORD_FORMAT}${secret ? '' : ' (no task-token key: clear task tokens left as they are)'}`;
    });
  },
};

/** Every migration, in the order they run. */
export const MIGRATIONS: CloudMigration[] = [ledgerRecords];

/** Runs the migrations that apply to an upgrade from `from` to `to`, in order: each one's line. */
export async function runMigrations(
  context: MigrationContext,
  migrations: readonly CloudMigration[] = MIGRATIONS,
): Promise<string[]> {
  const lines: string[] = [];
  for (const migration of migrations) {
    if (migration.from && !migration.from.includes(context.from)) continue;
    lines.push(`${migration.name}: ${await migration.run(context)}`);
  }
  return lines;
}
