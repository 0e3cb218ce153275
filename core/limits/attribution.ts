/** Who a piece of a synthesized template belongs to, and how big it is. */

type Json = unknown;

/** Catalog images whose names a piece of template mentions (a tag, a pipeline name, a log prefix). */
export function imagesIn(json: Json, images: readonly string[]): string[] {
  const text = JSON.stringify(json);
  return images.filter((image) => matcher(image).test(text));
}

const matchers = new Map<string, RegExp>();

/**
 * An image name where Goldsmith writes it: a tag value, `goldsmith-<image>`, `goldsmith/<image>`, a log prefix.
 * Image names are `[a-z][a-z0-9-]*`: nothing to escape.
 */
function matcher(image: string): RegExp {
  const found =
    matchers.get(image) ??
    new RegExp(`(goldsmith[-:/]|"Value":"|"goldsmith:image":"|build-logs/)${image}(?![a-z0-9-])`);
  // Stryker disable next-line CallExpression: the cache only saves building the expression again; each matches the same
  matchers.set(image, found);
  return found;
}

const encoder = new TextEncoder();

/** UTF-8 size of `text`. */
export const bytes = (text: string): number => encoder.encode(text).length;
