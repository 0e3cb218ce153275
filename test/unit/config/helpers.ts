import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CatalogParse, type ComponentFiles, parseCatalog } from '../../../core/config/catalog.js';
import example from '../../../goldsmith.config.js';

/** A mutable deep copy of the example catalog, to break one thing at a time. */
// biome-ignore lint/suspicious/noExplicitAny: tests mutate the catalog into shapes its type forbids
export type Mutable = Record<string, any>;

export function exampleCatalog(): Mutable {
  return structuredClone(example) as Mutable;
}

const REPO = join(import.meta.dirname, '../../..');

/** The repository's component documents, in memory, keyed by catalog path; overrides add or replace files. */
export function exampleFiles(overrides: Record<string, string | undefined> = {}): ComponentFiles {
  const files = new Map<string, string | undefined>();
  for (const dir of ['components', 'components/tests']) {
    for (const name of readdirSync(join(REPO, dir)).filter((n) => n.endsWith('.yml'))) {
      files.set(`${dir}/${name}`, readFileSync(join(REPO, dir, name), 'utf8'));
    }
  }
  for (const [path, text] of Object.entries(overrides)) files.set(path, text);
  return { read: (path) => files.get(path) };
}

export function problemsOf(input: unknown, files: ComponentFiles = exampleFiles()): string[] {
  const result: CatalogParse = parseCatalog(input, files);
  return result.ok ? [] : result.problems;
}

/** Applies `change` to a copy of the example catalog and returns the problems parseCatalog reports. */
export function problemsAfter(change: (catalog: Mutable) => void, files?: ComponentFiles): string[] {
  const catalog = exampleCatalog();
  change(catalog);
  return problemsOf(catalog, files);
}
