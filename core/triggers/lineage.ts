import type { Catalog } from '../config/schema.js';

/** The catalog image an image is built on, or undefined when its parent is outside the catalog. */
export function catalogParentOf(catalog: Catalog, image: string): string | undefined {
  const parent = catalog.images[image]?.parent;
  return typeof parent === 'object' ? parent.image : undefined;
}

/** Every catalog ancestor of an image, nearest first. Stops on a cycle (the catalog validator reports those). */
export function ancestorsOf(catalog: Catalog, image: string): string[] {
  const seen: string[] = [];
  let current = catalogParentOf(catalog, image);
  while (current !== undefined && !seen.includes(current) && current !== image) {
    seen.push(current);
    current = catalogParentOf(catalog, current);
  }
  return seen;
}

/** Catalog images in lineage order: parents before children, otherwise in catalog order. */
export function lineageOrder(catalog: Catalog): string[] {
  const names = Object.keys(catalog.images);
  const depth = (name: string): number => ancestorsOf(catalog, name).length;
  // Stable sort: equal depths keep catalog order, and every parent is one level shallower than its child.
  return names
    .map((name, index) => ({ name, index, depth: depth(name) }))
    .sort((a, b) => a.depth - b.depth || a.index - b.index)
    .map((entry) => entry.name);
}
