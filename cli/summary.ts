import { parentImageName } from '../core/config/lineage.js';
import type { Catalog } from '../core/config/schema.js';

export interface CatalogSummary {
  readonly images: { readonly total: number; readonly ami: number; readonly container: number };
  readonly channels: readonly string[];
  readonly regions: readonly string[];
  /** Every lineage chain from a root image to a leaf, for chains of two or more images. */
  readonly lineages: readonly (readonly string[])[];
}

/** What a valid catalog holds, for `goldsmith validate`. */
export function summarizeCatalog(catalog: Catalog): CatalogSummary {
  const images = Object.values(catalog.images);
  const ami = images.filter((i) => i.kind === 'ami').length;
  const regions = [...new Set(images.flatMap((i) => i.regions))];
  const children = new Map<string, string[]>();
  for (const [name, image] of Object.entries(catalog.images)) {
    const parent = parentImageName(image);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), name]);
  }
  const lineages: string[][] = [];
  const walk = (chain: string[]): void => {
    const next = children.get(chain[chain.length - 1] as string) ?? [];
    if (next.length === 0 && chain.length > 1) lineages.push(chain);
    for (const child of next) walk([...chain, child]);
  };
  for (const [name, image] of Object.entries(catalog.images)) {
    if (parentImageName(image) === undefined) walk([name]);
  }
  return {
    images: { total: images.length, ami, container: images.length - ami },
    channels: catalog.channels.map((c) => c.name),
    regions,
    lineages,
  };
}

/** One line: `file: valid — 4 images (3 AMI, 1 container), 3 channels (dev → staging → prod), 3 regions, lineage …`. */
export function summaryLine(file: string, s: CatalogSummary): string {
  const parts = [
    `${plural(s.images.total, 'image')} (${s.images.ami} AMI, ${s.images.container} container)`,
    `${plural(s.channels.length, 'channel')} (${s.channels.join(' → ')})`,
    plural(s.regions.length, 'region'),
  ];
  if (s.lineages.length > 0) parts.push(`lineage ${s.lineages.map((l) => l.join(' → ')).join(', ')}`);
  return `${file}: valid — ${parts.join(', ')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
