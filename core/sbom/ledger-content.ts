import { imagePk } from '../ledger/keys.js';
import { decodeInventory, type PackageInventory } from '../lifecycle/finding-scope.js';
import type { LedgerItem } from '../status/ledger-item.js';
import type { ImageContent, ParentBuild, SbomComponent, SbomPackage, VersionFinding } from './model.js';

/**
 * What a version is made of and what its build's scan found, as the ledger keeps them in the image's partition
 * (`pk = IMAGE#<image>`), and the pure readers over a partition's items (the stage's ledger or the local snapshot):
 * - `CONTENT#<version>` (kind `content`): everything of ImageContent but the packages;
 * - `INVENTORY#<version>#<part>` (kind `inventory`): the packages (aws/builds/image-packages.ts);
 * - `SCAN#<version>` (kind `scan`): the gate's findings of the build (ListImageScanFindings), `findings: [{id,
 *   severity, packages}]`.
 */

export const CONTENT_PREFIX = 'CONTENT#';
export const SCAN_PREFIX = 'SCAN#';
const INVENTORY_PREFIX = 'INVENTORY#';

export const contentSk = (version: string): string => `${CONTENT_PREFIX}${version}`;
export const scanSk = (version: string): string => `${SCAN_PREFIX}${version}`;

/** What `CONTENT#<version>` records: the content without its packages (those are the inventory's). */
export type RecordedContent = Omit<ImageContent, 'packages'>;

const SEVERITIES: readonly VersionFinding['severity'][] = [
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'INFORMATIONAL',
  'UNTRIAGED',
];
const SOURCES: readonly ImageContent['packageSource'][] = ['imagebuilder', 'inspector', 'none'];

/** A severity as Inspector / Image Builder write it; anything else is `UNTRIAGED`. */
export function severityOf(raw: unknown): VersionFinding['severity'] {
  const upper = typeof raw === 'string' ? raw.toUpperCase() : '';
  return SEVERITIES.find((s) => s === upper) ?? 'UNTRIAGED';
}

/**
 * One finding per id (a vulnerability listed twice names the union of its packages, at its first severity), sorted by
 * id, each package list sorted: the same scan always gives the same list, so re-recording it writes the same item.
 */
export function normalFindings(findings: readonly VersionFinding[]): VersionFinding[] {
  const byId = new Map<string, VersionFinding>();
  for (const f of findings) {
    const seen = byId.get(f.id);
    byId.set(f.id, {
      id: f.id,
      severity: seen?.severity ?? f.severity,
      packages: [...new Set([...(seen?.packages ?? []), ...f.packages])].sort(),
    });
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The `CONTENT#<version>` item of a content: ImageContent's `kind` is kept as `imageKind` (the item's own `kind` says
 * what the item is, as every ledger item's does).
 */
export function contentItem(content: RecordedContent): LedgerItem {
  const { kind, ...rest } = content;
  return { pk: imagePk(content.image), sk: contentSk(content.version), kind: 'content', imageKind: kind, ...rest };
}

/** The `SCAN#<version>` item of a build's findings. */
export function scanItem(image: string, version: string, findings: readonly VersionFinding[]): LedgerItem {
  return { pk: imagePk(image), sk: scanSk(version), kind: 'scan', image, version, findings: normalFindings(findings) };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function componentsOf(raw: unknown): SbomComponent[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: SbomComponent[] = [];
  for (const c of raw) {
    const r = record(c);
    const name = str(r?.name);
    const version = str(r?.version);
    const arn = str(r?.arn);
    if (name === undefined || version === undefined || arn === undefined) return undefined;
    const requested = str(r?.requested);
    out.push({ name, version, arn, ...(requested ? { requested } : {}) });
  }
  return out;
}

/** A recorded parent build; undefined when the item has none (content recorded before it was kept) or it is unreadable. */
function parentBuildOf(raw: unknown): ParentBuild | undefined {
  const r = record(raw);
  const image = str(r?.image);
  const channel = str(r?.channel);
  if (!image || !channel) return undefined;
  const [version, ami, unknown] = [r?.version, r?.ami, r?.unknown].map(str);
  return { image, channel, ...(version ? { version } : {}), ...(ami ? { ami } : {}), ...(unknown ? { unknown } : {}) };
}

/** The packages of a version's inventory, sorted by name then version; undefined unless every part is there. */
function packagesOf(items: readonly LedgerItem[], version: string): SbomPackage[] | undefined {
  const prefix = `${INVENTORY_PREFIX}${version}#`;
  const parts = items
    .filter((i) => str(i.sk)?.startsWith(prefix) && typeof i.packages === 'string' && typeof i.parts === 'number')
    .sort((a, b) => Number(a.part) - Number(b.part));
  if (parts.length === 0 || parts.length !== parts[0]?.parts) return undefined;
  return inventoryPackages(decodeInventory(parts.map((p) => String(p.packages)).join('\n')));
}

/** An inventory's packages, sorted by name then version (ImageContent's order). */
export function inventoryPackages(inventory: PackageInventory): SbomPackage[] {
  const packages: SbomPackage[] = [];
  for (const [name, versions] of inventory) {
    for (const v of versions) packages.push({ name, version: v });
  }
  return packages.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0,
  );
}

/**
 * What `version` is made of, from an image partition's items: its `CONTENT#` item with the packages of its inventory.
 * Undefined when the content was not recorded, or when its packages should come from an inventory that is not
 * (wholly) recorded yet: a content without its packages would read as a version with none.
 */
export function contentOf(items: readonly LedgerItem[], version: string): ImageContent | undefined {
  const item = items.find((i) => i.sk === contentSk(version) && i.kind === 'content');
  if (!item) return undefined;
  const recipe = record(item.recipe);
  const recipeName = str(recipe?.name);
  const recipeVersion = str(recipe?.version);
  const components = componentsOf(item.components);
  const packageSource = SOURCES.find((s) => s === item.packageSource);
  const kind = item.imageKind === 'ami' || item.imageKind === 'container';
  const [image, buildVersionArn, builtAt, parent] = [item.image, item.buildVersionArn, item.builtAt, item.parent].map(
    str,
  );
  if (
    !kind ||
    !image ||
    !buildVersionArn ||
    !builtAt ||
    parent === undefined ||
    !recipeName ||
    !recipeVersion ||
    !components ||
    !packageSource
  ) {
    return undefined;
  }
  const packages = packageSource === 'none' ? [] : packagesOf(items, version);
  if (!packages) return undefined;
  const parentBuild = parentBuildOf(item.parentBuild);
  const osVersion = str(item.osVersion);
  return {
    image,
    version,
    kind: item.imageKind === 'container' ? 'container' : 'ami',
    buildVersionArn,
    builtAt,
    recipe: { name: recipeName, version: recipeVersion },
    parent,
    ...(parentBuild ? { parentBuild } : {}),
    ...(osVersion ? { osVersion } : {}),
    components,
    packages,
    packageSource,
  };
}

/** The findings the gate read for `version` (its `SCAN#` item), or undefined when none were recorded. */
export function scanFindingsOf(items: readonly LedgerItem[], version: string): VersionFinding[] | undefined {
  const item = items.find((i) => i.sk === scanSk(version) && i.kind === 'scan');
  if (!item || !Array.isArray(item.findings)) return undefined;
  const out: VersionFinding[] = [];
  for (const raw of item.findings) {
    const f = record(raw);
    const id = str(f?.id);
    if (!id) continue;
    const packages = Array.isArray(f?.packages) ? f.packages.filter((p): p is string => typeof p === 'string') : [];
    out.push({ id, severity: severityOf(f?.severity), packages });
  }
  return out;
}
