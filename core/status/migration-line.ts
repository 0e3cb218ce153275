import { RECORD_FORMAT } from '../ledger/record-format.js';

/**
 * Where the ledger's migration to this release's format stands, as `goldsmith status` says it: the reconciler's
 * progress marker (`MIGRATIONS` / `FORMAT#<format>`, aws/ledger/migrations.ts), read as it wrote it.
 */

const count = (v: unknown) => (typeof v === 'number' ? v : 0);

/** One line: not started, under way (items read and brought so far) or done, with the marker's last run; or why unknown. */
export function migrationLine(marker: Readonly<Record<string, unknown>> | undefined, unreadable?: string): string {
  const what = `ledger migration to format ${RECORD_FORMAT}`;
  if (unreadable !== undefined) return `${what}: unknown (${unreadable})`;
  if (marker === undefined)
    return `${what}: not started (the reconciler starts it at its next run, every six hours; items not yet walked are read as format 1)`;
  const progress = `${count(marker.scanned)} items read, ${count(marker.migrated)} brought to format ${RECORD_FORMAT}`;
  const at = typeof marker.updatedAt === 'string' ? marker.updatedAt : 'unknown';
  return marker.done === true
    ? `${what}: done (${progress}; finished ${at})`
    : `${what}: under way, ${progress} so far (last run ${at}; the reconciler goes on every six hours)`;
}
