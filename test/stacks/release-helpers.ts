import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogInput } from '../../core/config/schema.js';
import type { StackTemplate } from '../../core/limits/index.js';
import releaseCatalog from '../../examples/catalogs/release.js';
import type { Invocations } from '../../scripts/release/invocations.js';
import type { StatefulInventory } from '../../scripts/release/stateful.js';
import { parseCatalogInput } from '../../stacks/catalog.js';
import { synthesizeTemplates } from '../../stacks/synthesize.js';
import { REPO_ROOT } from './helpers.js';

export const RELEASES = join(REPO_ROOT, 'test/fixtures/releases');

export interface ReleaseFixture {
  release: string;
  stage: string;
  stacks: StatefulInventory;
  /** Recorded from 0.2.0 on: each state machine's invoked functions. */
  invokes?: Invocations;
}

export function recordedReleases(): ReleaseFixture[] {
  return readdirSync(RELEASES).map(
    (version) => JSON.parse(readFileSync(join(RELEASES, version, 'stateful.json'), 'utf8')) as ReleaseFixture,
  );
}

/** The newest recorded release (versions ordered number by number). */
export function newestRelease(): ReleaseFixture {
  const order = (v: string) =>
    v
      .split('.')
      .map((n) => n.padStart(6, '0'))
      .join('.');
  return recordedReleases().sort((a, b) => order(b.release).localeCompare(order(a.release)))[0]!;
}

let templates: Promise<StackTemplate[]> | undefined;
/**
 * Main's templates, stage prod, for the catalog releases are recorded with (examples/catalogs/release.ts: every
 * conditional resource on), synthesized once per file.
 */
export function synthesized(): Promise<StackTemplate[]> {
  const catalog = parseCatalogInput(releaseCatalog as CatalogInput, REPO_ROOT);
  templates ??= synthesizeTemplates(catalog, { root: REPO_ROOT, stage: 'prod' });
  return templates;
}
