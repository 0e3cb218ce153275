import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);

/** The production folders: what runs in Lambda, the CLI, the stacks, and the local cloud the CLI simulates on. */
const PRODUCTION = ['aws', 'cli', 'core', 'events', 'functions', 'stacks', 'member', 'local'];

function sources(dir: string): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.m?ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Each file's imports of other files in `files`: static imports, `export … from`, `import()` and `import type` alike
 * (a type-only import is still a circle a reader has to follow), with `./x.js` read as `./x.ts`.
 */
function importGraph(files: readonly string[], read: (file: string) => string): Map<string, string[]> {
  const known = new Set(files);
  const target = (from: string, specifier: string): string | undefined => {
    const base = join(dirname(from), specifier);
    return [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')].find(
      (candidate) => known.has(candidate),
    );
  };
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(read(file), true, true);
      const targets = importedFiles
        .filter((i) => i.fileName.startsWith('.'))
        .map((i) => target(file, i.fileName))
        .filter((t): t is string => t !== undefined && t !== file);
      return [file, [...new Set(targets)].sort()];
    }),
  );
}

/** The import circles: strongly connected components of more than one file (Tarjan's algorithm), each sorted. */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import circles between files', () => {
  it('finds a circle, through a type-only import and an import() too, and nothing in a one-way chain', () => {
    const text: Record<string, string> = {
      'cli/commands.ts': "export const all = { a: () => import('./a.js') };",
      'cli/a.ts': "import type { Command } from './commands.js';\nexport { x } from './b.js';",
      'cli/b.ts': "import { y } from '../core/c.js';",
      'core/c.ts': 'export const y = 1;',
    };
    const graph = importGraph(Object.keys(text), (f) => text[f] ?? '');
    expect(graph.get('cli/a.ts')).toEqual(['cli/b.ts', 'cli/commands.ts']);
    expect(circles(graph)).toEqual([['cli/a.ts', 'cli/commands.ts']]);
    text['cli/a.ts'] = "import type { Command } from './command.js';";
    text['cli/command.ts'] = 'export interface Command {}';
    expect(circles(importGraph(Object.keys(text), (f) => text[f] ?? ''))).toEqual([]);
  });

  it(`has none in production code (${PRODUCTION.join(', ')}): a shared type lives where both sides can import it`, () => {
    const files = PRODUCTION.flatMap(sources).map((f) => relative(ROOT, join(ROOT, f)));
    expect(files.length).toBeGreaterThan(500);
    const graph = importGraph(files, (f) => readFileSync(join(ROOT, f), 'utf8'));
    expect(circles(graph)).toEqual([]);
  });
});
