import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCatalogFile } from '../../../cli/load-catalog.js';
import { classifyEvent } from '../../../events/registry.js';
import { scenarioSchema } from '../../../local/simulator/scenario.js';

// Cheap checks that every example in examples/ loads as the command docs/simulation.md gives would load it;
// running the simulations themselves (a year of twenty images takes minutes) is left to the reader.
const root = resolve(import.meta.dirname, '../../..');
const examples = join(root, 'examples');
const jsonIn = async (dir: string) => (await readdir(join(examples, dir))).filter((f) => f.endsWith('.json'));

/** The catalog each scenario is run with in docs/simulation.md (default: the repository's own). */
const CATALOG_OF: Record<string, string> = {
  'year-twenty-images.json': 'examples/catalogs/twenty-images.json',
  'year-fleet-rollout.json': 'examples/catalogs/example-rollout.ts',
};

describe('examples/', () => {
  it('has the examples docs/simulation.md names, and names each one there', async () => {
    const page = await readFile(join(root, 'docs/simulation.md'), 'utf8');
    const files = [
      ...(await jsonIn('catalogs')).map((f) => `examples/catalogs/${f}`),
      ...(await jsonIn('scenarios')).map((f) => `examples/scenarios/${f}`),
      ...(await jsonIn('events')).map((f) => `examples/events/${f}`),
    ];
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(files.filter((f) => !page.includes(f))).toEqual([]);
  });

  it('every example catalog is valid', async () => {
    for (const file of await jsonIn('catalogs')) {
      const parsed = await checkCatalogFile(join(examples, 'catalogs', file));
      expect(parsed.ok ? [] : parsed.problems, file).toEqual([]);
    }
  });

  it('every example scenario parses, and names only images and approvers of the catalog it is run with', async () => {
    for (const file of await jsonIn('scenarios')) {
      const parsed = scenarioSchema.safeParse(JSON.parse(await readFile(join(examples, 'scenarios', file), 'utf8')));
      expect(parsed.success ? [] : parsed.error.issues, file).toEqual([]);
      if (!parsed.success) continue;
      const catalog = await checkCatalogFile(join(root, CATALOG_OF[file] ?? 'goldsmith.config.ts'));
      if (!catalog.ok) throw new Error(catalog.problems.join('\n'));
      const images = new Set(Object.keys(catalog.catalog.images));
      const approvers = new Set(Object.keys(catalog.catalog.notifications.slack?.approvers ?? {}));
      for (const { action, filter } of parsed.data.events) {
        const image = 'image' in action ? action.image : filter.image;
        if (image !== undefined) expect(images, `${file}: image ${image}`).toContain(image);
        if ('via' in action && action.via === 'slack' && action.by) expect(approvers, file).toContain(action.by);
      }
    }
  });

  it('every example event is a kind Goldsmith knows, and valid', async () => {
    for (const file of await jsonIn('events')) {
      const verdict = classifyEvent(JSON.parse(await readFile(join(examples, 'events', file), 'utf8')));
      expect(verdict, file).toMatchObject({ known: true, valid: true });
    }
  });
});
