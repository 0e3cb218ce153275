import type { Catalog, ImageSpec } from './schema.js';

/** The catalog image an image is built on, or undefined when its parent is outside the catalog (SSM, AMI, ARN). */
export function parentImageName(image: ImageSpec): string | undefined {
  return typeof image.parent === 'string' ? undefined : image.parent.image;
}

/** The catalog's image of that name: its own entry only, never an Object method a name like `valueOf` would reach. */
export function catalogImage(catalog: Pick<Catalog, 'images'>, name: string): ImageSpec | undefined {
  return Object.hasOwn(catalog.images, name) ? catalog.images[name] : undefined;
}

/** The channels an image is promoted through, in catalog order: its own `channels`, or every channel. */
export function imageChannels(catalog: Catalog, name: string): string[] {
  return catalogImage(catalog, name)?.channels ?? catalog.channels.map((c) => c.name);
}

/**
 * Lineage cycles, each as the image names along it, starting at the member listed first in the catalog and ending
 * where it started (`['a', 'b', 'a']`). Parents outside the catalog end a chain.
 */
export function lineageCycles(catalog: Catalog): string[][] {
  const names = Object.keys(catalog.images);
  const done = new Set<string>();
  const cycles: string[][] = [];
  for (const start of names) {
    // Stryker disable next-line ArrayDeclaration: image names are lower-case words, so another text first in the path is never met again
    const path: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && !done.has(current) && catalogImage(catalog, current)) {
      const seen = path.indexOf(current);
      if (seen >= 0) {
        const members = path.slice(seen);
        const first = names.find((n) => members.includes(n)) ?? current;
        const at = members.indexOf(first);
        const rotated = [...members.slice(at), ...members.slice(0, at)];
        cycles.push([...rotated, first]);
        break;
      }
      path.push(current);
      current = parentImageName(catalog.images[current] as ImageSpec);
    }
    for (const n of path) done.add(n);
  }
  return cycles;
}

/**
 * Image names with every parent before its children (catalog order among equals); the order cascades build in.
 * Images caught in a lineage cycle (an invalid catalog) are left out.
 */
export function lineageOrder(catalog: Catalog): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const names = Object.keys(catalog.images);
  let progress = true;
  while (progress) {
    progress = false;
    for (const name of names) {
      if (placed.has(name)) continue;
      const parent = parentImageName(catalog.images[name] as ImageSpec);
      if (parent === undefined || !catalogImage(catalog, parent) || placed.has(parent)) {
        order.push(name);
        placed.add(name);
        progress = true;
      }
    }
  }
  return order;
}
