import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCatalog } from '../../core/config/catalog.js';
import type { Catalog } from '../../core/config/schema.js';
import { componentFilesIn } from '../load-catalog.js';
import { UsageError } from '../usage.js';
import { catalogDigest } from './saved-identity.js';

const MAX_NAMED = 3;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const SHOWN_CHARS = 60;
const shown = (v: unknown) => {
  const text = v === undefined ? 'absent' : JSON.stringify(v);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
};

/**
 * Where `given` (the catalog as this release loads it) differs from `saved` (as the release that saved the cloud
 * loaded it), as `path: saved X, given Y` lines. A field `given` has that `saved` lacks is a default this release
 * adds when `written` (the catalog file's own document) does not set it; a value both hold that the file does not set
 * is a default this release changed (`monitoring.launchPermissionSweepEvery`: 7 days, then 28); one the file sets is
 * a change.
 */
export function catalogChanges(saved: unknown, given: unknown, written: unknown, path = 'catalog'): string[] {
  if (isObject(saved) && isObject(given)) {
    const written_ = isObject(written) ? written : {};
    return [...new Set([...Object.keys(saved), ...Object.keys(given)])].flatMap((key) => {
      const at = `${path}.${key}`;
      if (!(key in saved) && written_[key] === undefined) return [];
      const defaulted = written_[key] === undefined && key in given && !isObject(saved[key]) && !isObject(given[key]);
      if (defaulted) return [];
      return catalogChanges(saved[key], given[key], written_[key], at);
    });
  }
  if (Array.isArray(saved) && Array.isArray(given) && saved.length === given.length) {
    const written_ = Array.isArray(written) ? written : [];
    return saved.flatMap((s, i) => catalogChanges(s, given[i], written_[i], `${path}[${i}]`));
  }
  return JSON.stringify(saved) === JSON.stringify(given)
    ? []
    : [`${path}: saved ${shown(saved)}, given ${shown(given)}`];
}

/** The catalog file's own document (its default export, or the JSON), before any default is filled in. */
async function writtenCatalog(path: string): Promise<unknown> {
  if (extname(path) === '.json') return JSON.parse(await readFile(path, 'utf8')) as unknown;
  // Already imported by loadCatalogFile: the module cache answers.
  return ((await import(pathToFileURL(resolve(path)).href)) as { default?: unknown }).default;
}

/**
 * The fields of `saved` this release's `validate` refuses (`images.app.instanceTypes[1]`), as `catalog.`-rooted
 * paths: an upgrade may carry the change this release asks of them, since the saved value is one it would not deploy.
 */
export function fieldsThisReleaseRefuses(saved: unknown, givenFile: string): string[] {
  const parsed = parseCatalog(saved, componentFilesIn(dirname(resolve(givenFile))));
  if (parsed.ok) return [];
  return parsed.problems.map((p) => `catalog.${p.slice(0, p.indexOf(':'))}`);
}

/** Whether the change line `change` (`catalog.a.b[1]: saved …`) is at or under one of `paths`. */
const isUnder = (change: string, paths: readonly string[]) =>
  paths.some((p) => change.startsWith(`${p}:`) || change.startsWith(`${p}.`) || change.startsWith(`${p}[`));

/**
 * Refuses an upgrade (simulate --resume of a cloud another release's code saved) given another catalog than the one
 * the cloud ran: the running work (rollout waves, approvals, channels' targets) was started for that catalog, and
 * running it on with other images, channels or targets is another run, not an upgrade. The release may only add
 * defaults, and the catalog may change only what this release's `validate` refuses in the saved one (an x86_64
 * image's Graviton instance type). `saved` is the catalog the saving release loaded (its deployment); without one, the digests decide.
 */
export async function checkUpgradeCatalog(
  dir: string,
  savedFile: string,
  saved: { catalog?: unknown; digest: string },
  givenFile: string,
  given: Catalog,
): Promise<void> {
  const refused = saved.catalog === undefined ? [] : fieldsThisReleaseRefuses(saved.catalog, givenFile);
  const changes =
    saved.catalog === undefined
      ? catalogDigest(given) === saved.digest
        ? []
        : [
            `its digest (the deployment beside the save records no catalog: write it again with "npm run release:deployment -- --root <a checkout of the release that saved it> --into ${dir}")`,
          ]
      : catalogChanges(saved.catalog, JSON.parse(JSON.stringify(given)), await writtenCatalog(givenFile)).filter(
          (change) => !isUnder(change, refused),
        );
  if (changes.length === 0) return;
  const named = changes.slice(0, MAX_NAMED).join('; ');
  const more = changes.length > MAX_NAMED ? ` and ${changes.length - MAX_NAMED} more` : '';
  throw new UsageError(
    `${dir} was saved with the catalog ${savedFile}; the one given, ${resolve(givenFile)}, differs from it in more than added defaults (${changes.length} difference${changes.length === 1 ? '' : 's'}: ${named}${more}): an upgrade runs on the catalog it was saved with; give that one, or re-run "goldsmith simulate --save ${dir}"`,
  );
}
