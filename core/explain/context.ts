import type { Catalog } from '../config/schema.js';

/** What the action describers know: the catalog and what the synthesized stacks named after it. */
export interface ExplainFacts {
  catalog: Catalog;
  /** Image Builder image names (lower-cased recipe names, as build ARNs carry them) → catalog image. */
  recipes: ReadonlyMap<string, string>;
}

/** The function an event is delivered to: its name (`on-image-event`) and its environment, as synthesized. */
export interface ExplainTarget {
  handler: string;
  environment: Readonly<Record<string, string>>;
}
