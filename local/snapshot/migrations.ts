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
  run(context: { from: string; to: string; tables: readonly string[] }): Promise<string>;
}

/** Every migration, in the order they run. */
export const MIGRATIONS: CloudMigration[] = [];

/** Runs the migrations that apply to an upgrade from `from` to `to`, in order: each one's line. */
export async function runMigrations(
  context: { from: string; to: string; tables: readonly string[] },
  migrations: readonly CloudMigration[] = MIGRATIONS,
): Promise<string[]> {
  const lines: string[] = [];
  for (const migration of migrations) {
    if (migration.from && !migration.from.includes(context.from)) continue;
    lines.push(`${migration.name}: ${await migration.run(context)}`);
  }
  return lines;
}
