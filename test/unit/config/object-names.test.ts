import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../core/config/catalog.js';
import { exampleCatalog, exampleFiles } from './helpers.js';

/**
 * A parent named like an Object method (`valueOf`, `constructor`, `toString`) is not a catalog image: the catalog is
 * refused naming the field, where it used to throw a TypeError from the lineage check.
 */
describe('a parent image named like an Object method', () => {
  for (const name of ['valueOf', 'constructor', 'toString', 'hasOwnProperty']) {
    it(`refuses parent.image "${name}" with a problem on the field`, () => {
      const catalog = exampleCatalog();
      const images: Record<string, { parent: unknown }> = catalog.images;
      const app = Object.entries(images).find(([, spec]) => typeof spec.parent === 'object')?.[0] ?? '';
      (images[app] as { parent: { image: string } }).parent.image = name;
      const result = parseCatalog(catalog, exampleFiles());
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.problems.join('\n')).toMatch(new RegExp(`images\\.${app}\\.parent`));
    });
  }
});
