/**
 * Each image's depth in the lineage (0 for images without a catalog parent), from image → parent image.
 * The catalog rules refuse cycles; a cycle here is cut rather than looped on.
 */
export function lineageDepths(parents: Readonly<Record<string, string | undefined>>): Record<string, number> {
  const depths: Record<string, number> = {};
  const depthOf = (image: string, seen: Set<string>): number => {
    const known = depths[image];
    if (known !== undefined) return known;
    const parent = parents[image];
    const d = parent && parent in parents && !seen.has(parent) ? depthOf(parent, new Set([...seen, image])) + 1 : 0;
    depths[image] = d;
    return d;
  };
  for (const image of Object.keys(parents)) depthOf(image, new Set([image]));
  return depths;
}
