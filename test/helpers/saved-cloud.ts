import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import { savedIdentity } from '../../cli/operator/saved-identity.js';
import { type SavedState, STATE_FORMAT } from '../../cli/operator/saved-state.js';
import type { CloudSnapshot } from '../../local/simulator/snapshot.js';

/** A saved state holding `snapshot`, for code that takes one in memory (no identity check reads it). */
export function savedStateOf(snapshot: CloudSnapshot, catalogFile = ''): SavedState {
  return {
    format: STATE_FORMAT,
    identity: { code: '', catalog: '' },
    catalogFile,
    scenario: {},
    savedAt: snapshot.at,
    snapshot,
    operator: [],
  };
}

/**
 * Writes `DIR/state.json` as `simulate --save` would for a cloud at `at` whose ledger holds `ledger` and that ran
 * `catalogFile` (stamped with this code's and that catalog's digests, so commands open it). Returns `dir`.
 */
export async function writeSavedCloud(
  dir: string,
  options: { catalogFile: string; at: string; ledger: unknown[]; start?: string },
): Promise<string> {
  const { catalogFile, at, ledger } = options;
  mkdirSync(dir, { recursive: true });
  const catalog = await loadCatalogFile(catalogFile);
  const state: SavedState = {
    format: STATE_FORMAT,
    identity: savedIdentity(catalog),
    catalogFile,
    scenario: { start: options.start ?? '2027-01-01T00:00:00Z', until: at, events: [] },
    savedAt: at,
    snapshot: {
      at,
      ledger: ledger as Record<string, unknown>[],
      executions: [],
      pointers: {},
      builds: [],
      amis: [],
    },
    operator: [],
  };
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  return dir;
}
