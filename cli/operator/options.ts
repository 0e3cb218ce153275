import { resolve } from 'node:path';
import type { Catalog } from '../../core/config/schema.js';
import { DEFAULT_CATALOG_FILE, loadCatalogFile } from '../load-catalog.js';
import { parseOptions, UsageError } from '../usage.js';
import { checkSavedCatalog } from './saved-identity.js';
import { readState, type SavedState } from './saved-state.js';

/** Where an operator command acts: a deployed stage, or a saved local cloud. */
export type Where =
  | { kind: 'stage'; stage: string; region: string; url: string | undefined; catalog: Catalog }
  | { kind: 'local'; dir: string; state: SavedState; catalog: Catalog; as: string | undefined };

export const TARGET_HELP = `  --stage STAGE     the deployed stage (AWS credentials and Region from the SDK's usual chain)
  --local DIR       a local cloud saved by "goldsmith simulate --save DIR"
  --config FILE     the catalog (default: the one the saved cloud used, else ${DEFAULT_CATALOG_FILE})
  --json            one JSON document on stdout`;

const COMMON = {
  stage: { type: 'string' },
  local: { type: 'string' },
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Extra = Record<string, { type: 'string' | 'boolean' }>;

/**
 * Parses an operator command's options: exactly one of --stage / --local, plus the command's own.
 * @param needs when the command takes an argument first (the image), the line that asks for it: asked before
 *   anything about where the command acts
 */
export async function operatorOptions<E extends Extra>(
  args: readonly string[],
  extra: E,
  positionals: number,
  needs?: string,
) {
  const parsed = parseOptions(args, { ...COMMON, ...extra }, positionals);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { help: true as const };
  if (needs !== undefined && parsed.positionals.length === 0) throw new UsageError(needs);
  const stage = typeof values.stage === 'string' ? values.stage : undefined;
  const local = typeof values.local === 'string' ? values.local : undefined;
  if ((stage === undefined) === (local === undefined)) {
    throw new UsageError('say where: --stage STAGE (a deployment) or --local DIR (a saved local cloud)');
  }
  const config = typeof values.config === 'string' ? values.config : undefined;
  let where: Where;
  if (local !== undefined) {
    const state = await readState(local);
    const catalog = await loadCatalogFile(resolve(config ?? state.catalogFile));
    checkSavedCatalog(local, state.identity, catalog, state.catalogFile);
    const as = typeof values.as === 'string' ? values.as : undefined;
    where = { kind: 'local', dir: local, state, catalog, as };
  } else {
    const catalog = await loadCatalogFile(resolve(config ?? DEFAULT_CATALOG_FILE));
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? catalog.organization.homeRegion;
    const url = typeof values.url === 'string' ? values.url : process.env.GOLDSMITH_OPERATOR_URL;
    where = { kind: 'stage', stage: stage ?? '', region, url, catalog };
  }
  return { help: false as const, where, values, positionals: parsed.positionals, json: values.json === true };
}

/** The channels an image goes through, in order. */
export function channelsOf(catalog: Catalog, image: string): string[] {
  return catalog.images[image]?.channels ?? catalog.channels.map((c) => c.name);
}

/** Refuses an image or channel the catalog does not know, before anything is read or sent. */
export function checkNames(catalog: Catalog, image: string, channel?: string): void {
  if (!catalog.images[image]) {
    throw new UsageError(`unknown image "${image}" (the catalog has: ${Object.keys(catalog.images).join(', ')})`);
  }
  if (channel !== undefined && !channelsOf(catalog, image).includes(channel)) {
    throw new UsageError(
      `unknown channel "${channel}" for ${image} (it goes through: ${channelsOf(catalog, image).join(', ')})`,
    );
  }
}
