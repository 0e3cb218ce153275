import { describe, expect, it } from 'vitest';
import { lineageCycles } from '../../../core/config/lineage.js';
import type { Catalog } from '../../../core/config/schema.js';

/** A catalog of images by name → catalog parent (or none), in the order given. */
const catalogOf = (parents: Record<string, string | undefined>): Catalog =>
  ({
    images: Object.fromEntries(
      Object.entries(parents).map(([name, parent]) => [
        name,
        { parent: parent === undefined ? 'ssm:/aws/service/ami' : { image: parent, channel: 'prod' } },
      ]),
    ),
  }) as unknown as Catalog;

describe('lineageCycles', () => {
  it('reports the cycle alone, not the chain that leads into it', () => {
    expect(lineageCycles(catalogOf({ tail: 'a', a: 'b', b: 'a' }))).toEqual([['a', 'b', 'a']]);
  });

  it('starts a cycle at its member listed first in the catalog, whichever member the walk met first', () => {
    expect(lineageCycles(catalogOf({ tail: 'c', b: 'c', c: 'd', d: 'b' }))).toEqual([['b', 'c', 'd', 'b']]);
  });

  it('finds none when every chain ends outside the catalog', () => {
    expect(lineageCycles(catalogOf({ base: undefined, app: 'base', web: 'app' }))).toEqual([]);
  });
});
