import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../../cli/load-catalog.js';
import { savedCatalogFile, savedIdentity } from '../../../cli/operator/saved-identity.js';
import { PREVIOUS_RELEASE } from '../../../cli/operator/saved-release.js';
import { readState, stateOf, writeState } from '../../../cli/operator/saved-state.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const CATALOG = join(REPO, 'examples/catalogs/example-rollout.ts');
const AT = '2027-01-22T08:30:00Z';
const snapshot = { at: AT, ledger: [], executions: [], pointers: {}, builds: [], amis: [] };

describe('the catalog file a save names', () => {
  it('names a catalog inside the checkout relative to it, so the save opens in another clone, and reads it back absolute', async () => {
    const dir = testTempDir('saved-catalog-');
    const identity = savedIdentity(await loadCatalogFile(CATALOG));
    await writeState(dir, stateOf(CATALOG, identity, { start: '2027-01-01T00:00:00Z', until: AT }, { snapshot }));

    const written = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { catalogFile: string };
    expect(written.catalogFile).toBe('examples/catalogs/example-rollout.ts');
    expect((await readState(dir)).catalogFile).toBe(CATALOG);
  });

  it('names a catalog outside the checkout by its absolute path', () => {
    expect(savedCatalogFile('/srv/catalogs/goldsmith.config.ts', REPO)).toBe('/srv/catalogs/goldsmith.config.ts');
    expect(savedCatalogFile(join(REPO, '../other/c.ts'), REPO)).toBe(join(REPO, '../other/c.ts'));
  });

  it('keeps the fixture of the previous release free of the path of the machine that wrote it', () => {
    const gz = readFileSync(join(REPO, 'test/fixtures/upgrade', PREVIOUS_RELEASE, 'state.json.gz'));
    const state = JSON.parse(gunzipSync(gz).toString('utf8')) as { catalogFile: string };
    expect(state.catalogFile).toBe('examples/catalogs/example-rollout.ts');
  });
});
