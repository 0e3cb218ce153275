import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../core/config/catalog.js';
import { exampleCatalog, exampleFiles, type Mutable } from './helpers.js';

const files = exampleFiles();
const SECTIONS = [
  'organization',
  'images',
  'channels',
  'notifications',
  'access',
  'monitoring',
  'prices',
  'resilience',
];

/** True when the problem line starts with `root` as its first path segment. */
function startsWithSegment(problem: string, root: string): boolean {
  return problem.startsWith(root) && ['.', '[', ':'].includes(problem.charAt(root.length));
}

function expectPathPrefixedProblems(input: unknown, roots: readonly string[]): void {
  const result = parseCatalog(input, files);
  if (result.ok) return;
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(problem).toContain(': ');
    expect(
      [...roots, 'catalog'].some((root) => startsWithSegment(problem, root)),
      problem,
    ).toBe(true);
  }
}

/** Every path into the example catalog, to replace or delete what is there. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

const examplePaths = pathsOf(exampleCatalog()).filter((p) => p.length > 0);

function mutate(path: (string | number)[], action: 'replace' | 'delete' | 'add', value: unknown): Mutable {
  const catalog = exampleCatalog();
  let parent: Mutable = catalog;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const last = path[path.length - 1] as string | number;
  if (action === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (action === 'add' && parent[last] !== null && typeof parent[last] === 'object') {
    parent[last].zzUnknown = value;
  } else {
    parent[last] = value;
  }
  return catalog;
}

describe('parseCatalog properties', () => {
  it('never throws on arbitrary JSON and always answers with a catalog or path-prefixed problems', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const keys = input !== null && typeof input === 'object' && !Array.isArray(input) ? Object.keys(input) : [];
        expectPathPrefixedProblems(input, [...SECTIONS, ...keys]);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random edits of the example and reports them under a catalog section', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...examplePaths),
        fc.constantFrom('replace', 'delete', 'add'),
        fc.oneof(fc.jsonValue(), fc.string(), fc.constantFrom('', 'dev', 'base', 'us-east-1', 'cron(0 4 ? * 3#2 *)')),
        (path, action, value) => {
          expectPathPrefixedProblems(mutate(path, action, value), SECTIONS);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports an image that is null or not an object by its path, never throwing', () => {
    for (const value of [null, 7, 'app']) {
      for (const image of examplePaths.filter((p) => p[0] === 'images' && p.length === 2)) {
        const result = parseCatalog(mutate(image, 'replace', value), files);
        expect(result.ok ? [] : result.problems.filter((p) => p.startsWith(`images.${image[1]}:`))).not.toEqual([]);
      }
    }
  });

  it('reports a channel that is null or not an object by its path, never throwing', () => {
    for (const value of [null, 7, 'dev']) {
      const result = parseCatalog(mutate(['channels'], 'replace', [value]), files);
      expect(result.ok ? [] : result.problems.filter((p) => p.startsWith('channels[0]: '))).not.toEqual([]);
    }
  });

  it("reports a broken image by its path, whatever its name, never throwing, and hides no other image's problem", () => {
    const broken: unknown[] = [null, 7, { parent: 5 }, { regions: 5 }, { components: 5 }, { channels: 5 }];
    for (const name of ['zz', '.', 'a.b']) {
      for (const value of broken) {
        // Another image's own problem beside it: a parent the catalog does not have.
        const input = mutate(['images', name], 'add', value) as Mutable;
        const images = input.images as Record<string, { parent?: unknown }>;
        const child = Object.entries(images).find(([, i]) => typeof i?.parent === 'object')?.[0] ?? '';
        (images[child] as { parent: { image: string } }).parent.image = 'nope';

        const result = parseCatalog(input, files);

        const problems = result.ok ? [] : result.problems;
        expect(
          problems.filter((p) => p.startsWith(`images.${name}`)),
          `${name}: ${JSON.stringify(value)}`,
        ).not.toEqual([]);
        expect(problems.filter((p) => p.startsWith(`images.${child}.parent.image: `))).not.toEqual([]);
      }
    }
  });

  it('reports an added unknown key by its full path', () => {
    fc.assert(
      fc.property(fc.constantFrom(...examplePaths.filter((p) => p[0] === 'images' && p.length === 2)), (path) => {
        const result = parseCatalog(mutate(path, 'add', 1), files);

        expect(result.ok ? [] : result.problems).toContain(`images.${path[1]}.zzUnknown: unknown key`);
      }),
    );
  });
});
