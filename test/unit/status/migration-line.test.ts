import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { migrationMarkerKey } from '../../../core/ledger/migrations.js';
import { migrationLine } from '../../../core/status/migration-line.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const marker = (done: boolean) => ({
  ...migrationMarkerKey,
  kind: 'migration',
  done,
  scanned: 4000,
  migrated: 3100,
  revision: 8,
  updatedAt: '2027-01-22T12:00:00.000Z',
});

describe("goldsmith status: where the ledger's migration stands (docs/upgrading.md)", () => {
  it('says not started, under way with the counts so far, or done, from the progress marker', () => {
    expect(migrationLine(undefined)).toBe(
      'ledger migration to format 2: not started (the reconciler starts it at its next run, every six hours; items not yet walked are read as format 1)',
    );
    expect(migrationLine(marker(false))).toBe(
      'ledger migration to format 2: under way, 4000 items read, 3100 brought to format 2 so far (last run 2027-01-22T12:00:00.000Z; the reconciler goes on every six hours)',
    );
    expect(migrationLine(marker(true))).toBe(
      'ledger migration to format 2: done (4000 items read, 3100 brought to format 2; finished 2027-01-22T12:00:00.000Z)',
    );
    expect(migrationLine(undefined, 'AccessDeniedException: no')).toBe(
      'ledger migration to format 2: unknown (AccessDeniedException: no)',
    );
  });

  it("prints it under the release line, from a saved cloud's ledger", async () => {
    const dir = await writeSavedCloud(join(testTempDir('goldsmith-migration-'), 'cloud'), {
      catalogFile: join(REPO, 'goldsmith.config.ts'),
      at: '2027-01-22T13:00:00.000Z',
      ledger: [marker(false)],
    });
    const text = await captureOutput(() => main(['status', '--local', dir]));
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[1]).toBe(migrationLine(marker(false)));
    const json = await captureOutput(() => main(['status', '--local', dir, '--json']));
    expect(JSON.parse(json.stdout)).toMatchObject({ migration: migrationLine(marker(false)) });
  });
});
