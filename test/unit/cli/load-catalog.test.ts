import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../../cli/load-catalog.js';
import { InvalidCatalogError } from '../../../core/errors.js';

const REPO = join(import.meta.dirname, '../../..');
const FIXTURES = join(REPO, 'test/fixtures/catalogs');

describe('loadCatalogFile', () => {
  it('returns the parsed example catalog from a .ts file, defaults filled in', async () => {
    const catalog = await loadCatalogFile(join(REPO, 'goldsmith.config.ts'));

    expect(Object.keys(catalog.images)).toEqual(['base', 'hardened', 'app', 'web-runtime']);
    expect(catalog.images.app?.kind).toBe('ami');
  });

  it('throws InvalidCatalogError carrying path-prefixed problems', async () => {
    const error = await loadCatalogFile(join(FIXTURES, 'broken.json')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidCatalogError);
    expect((error as InvalidCatalogError).problems).toContain(
      'images.app.parent.image: unknown image "bse" (did you mean "base"?)',
    );
  });

  it('rejects a file type it cannot read', async () => {
    const error = await loadCatalogFile(join(FIXTURES, 'components/build.yml')).catch((e: unknown) => e);

    expect((error as InvalidCatalogError).problems).toEqual([
      'catalog: build.yml: unsupported file type ".yml" (use .ts or .json)',
    ]);
  });
});
