import { CONTENT_PREFIX, contentOf, SCAN_PREFIX, scanFindingsOf } from '../../core/sbom/ledger-content.js';
import type { ImageContent, VersionFinding } from '../../core/sbom/model.js';
import { compareBuildVersions, type LedgerItem } from '../../core/status/image-view.js';
import { UsageError } from '../usage.js';
import type { Where } from './options.js';

/** What an image's versions are made of, read from its ledger partition for `goldsmith sbom` and `goldsmith diff`. */

const BUILD_PREFIX = 'BUILD#';

/**
 * A version as Image Builder writes it (`1.0.0/3`); also accepted as the SBOM bucket spells it (`1.0.0-3`).
 * @throws UsageError naming the field when it is neither
 */
export function versionArgument(raw: string, field: string): string {
  if (/^\d+\.\d+\.\d+\/\d+$/.test(raw)) return raw;
  const dashed = /^(\d+\.\d+\.\d+)-(\d+)$/.exec(raw);
  if (dashed) return `${dashed[1]}/${dashed[2]}`;
  throw new UsageError(`${field} "${raw}" is not a version: write it as Image Builder does, e.g. 1.0.0/3`);
}

/** The versions the ledger knows (a build or a recorded content), oldest first. */
function knownVersions(items: readonly LedgerItem[]): string[] {
  const out = new Set<string>();
  for (const i of items) {
    const sk = typeof i.sk === 'string' ? i.sk : '';
    for (const prefix of [BUILD_PREFIX, CONTENT_PREFIX]) if (sk.startsWith(prefix)) out.add(sk.slice(prefix.length));
  }
  return [...out].sort(compareBuildVersions);
}

/** The `--stage`/`--local` option that reaches the same place, for a command a refusal suggests. */
const target = (where: Where) => (where.kind === 'stage' ? `--stage ${where.stage}` : `--local ${where.dir}`);

/**
 * What `version` of `image` is made of.
 * @throws UsageError saying which version and why there is nothing to show, and what to run: a version the ledger
 *   does not know, a build that never became AVAILABLE, a content not recorded (a build from before Goldsmith kept
 *   them) or one whose package inventory is not wholly recorded
 */
export function versionContent(
  where: Where,
  image: string,
  items: readonly LedgerItem[],
  version: string,
): ImageContent {
  const content = contentOf(items, version);
  if (content) return content;
  const known = knownVersions(items);
  if (!known.includes(version)) {
    const list = known.length > 0 ? `its versions: ${known.join(', ')}` : 'it has no build yet';
    throw new UsageError(
      `unknown version ${version} of ${image} (${list}; goldsmith history ${image} ${target(where)})`,
    );
  }
  const build = items.find((i) => i.sk === `${BUILD_PREFIX}${version}`);
  const status = typeof build?.status === 'string' ? build.status : undefined;
  if (build && status !== 'AVAILABLE' && status !== 'DEPRECATED' && status !== 'DISABLED') {
    throw new UsageError(
      `${image} ${version} has no content: its build is ${status ?? 'not finished'}, and only a build that became AVAILABLE has one (goldsmith history ${image} ${target(where)})`,
    );
  }
  if (items.some((i) => i.sk === `${CONTENT_PREFIX}${version}`)) {
    throw new UsageError(
      `${image} ${version}: its package inventory is not wholly recorded yet (Goldsmith records it when the build becomes AVAILABLE); run this again later`,
    );
  }
  const recorded = known.filter((v) => contentOf(items, v) !== undefined);
  const others = recorded.length > 0 ? `versions with one: ${recorded.join(', ')}; ` : '';
  throw new UsageError(
    `${image} ${version} has no content recorded (built before Goldsmith kept SBOMs); ${others}a new build records one: goldsmith build ${image} ${target(where)}`,
  );
}

/** The gate's findings of `version`, none when the gate recorded none. */
export const findingsOf = (items: readonly LedgerItem[], version: string): VersionFinding[] =>
  scanFindingsOf(items, version) ?? [];

/** Every finding the gate recorded for a version older than `version`: what a finding new in TO may have come back from. */
export function earlierFindings(items: readonly LedgerItem[], version: string): VersionFinding[] {
  return items
    .filter((i) => typeof i.sk === 'string' && i.sk.startsWith(SCAN_PREFIX))
    .map((i) => String(i.sk).slice(SCAN_PREFIX.length))
    .filter((v) => compareBuildVersions(v, version) < 0)
    .flatMap((v) => findingsOf(items, v));
}
