import type { Catalog } from '../schema.js';

/** Component documents by the path written in the catalog; `undefined` when the file does not exist. */
export interface ComponentFiles {
  read(path: string): string | undefined;
  /** Where a path written in the catalog was looked for (for a file that is missing, the resolved path). */
  where?(path: string): string;
}

/** Records one problem at a field path (see `formatPath`). */
export type Report = (path: readonly PropertyKey[], message: string) => void;

/**
 * Whether a field (a path; `*` stands for any key or index) passed its own check, and everything inside and around
 * it: a rule judges an image or channel only on fields it can trust, and still judges the others.
 */
export type Sound = (path: readonly (string | number)[]) => boolean;

/** A cross-field rule: reads a catalog whose structure parsed and reports what is wrong. */
export type CatalogRule = (catalog: Catalog, report: Report, files: ComponentFiles, sound: Sound) => void;

export function list(values: Iterable<string>): string {
  return [...values].join(', ');
}
