/**
 * Records a release's stateful resources as the fixture the next releases are compared with
 * (test/fixtures/releases/<version>/stateful.json; test/stacks/release*.test.ts read it): each one's type, retention,
 * the properties whose change replaces it, its fixed physical name, a state machine's role and a KMS key's immutable
 * properties (scripts/release/stateful.ts), and each state machine's invoked functions.
 *
 *   npm run release:fixture                        # this checkout, when cutting its release
 *   npm run release:fixture -- --root REL   # another checkout (git worktree add … <commit>)
 *
 * The catalog is examples/catalogs/release.ts, which turns on every conditional resource (a rolled-out channel,
 * containers, the member baseline, Inspector's administrator); `--catalog PATH` (relative to `--root`) names
 * another. An older checkout without that file needs a copy of this checkout's in it.
 * The checkout at `--root` synthesizes its own stacks in process (its stacks/synthesize.ts, its
 * goldsmith.config.ts, stage 'prod'), so a release whose `npm run build` does not run can still be recorded; it
 * needs node_modules (a symlink to this checkout's will do). The fixture is written into this checkout, named by the
 * version in `--root`'s package.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Catalog } from '../../core/config/schema.js';
import type { StackTemplate } from '../../core/limits/index.js';
import { stateMachineInvocations } from './invocations.js';
import { statefulInventory } from './stateful.js';

const HERE = new URL('../../', import.meta.url).pathname;
/** The catalog every release is recorded with and compared in (test/stacks/release.test.ts reads the same). */
const RELEASE_CATALOG = 'examples/catalogs/release.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  if (at === -1) return undefined;
  const value = process.argv[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

const root = resolve(option('--root') ?? HERE);
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version))
  throw new Error(`${root}/package.json: version "${version}" is not a semantic version (x.y.z)`);

process.chdir(root);
const { loadCatalogFile } = (await import(pathToFileURL(join(root, 'cli/load-catalog.ts')).href)) as {
  loadCatalogFile: (path: string) => Promise<Catalog>;
};
const { synthesizeTemplates } = (await import(pathToFileURL(join(root, 'stacks/synthesize.ts')).href)) as {
  synthesizeTemplates: (catalog: Catalog, options: { root: string; stage: string }) => Promise<StackTemplate[]>;
};
const catalog = await loadCatalogFile(join(root, option('--catalog') ?? RELEASE_CATALOG));
const stacks = await synthesizeTemplates(catalog, { root, stage: 'prod' });
const inventory = statefulInventory(stacks);

const out = join(HERE, 'test/fixtures/releases', version);
mkdirSync(out, { recursive: true });
const file = join(out, 'stateful.json');
const invokes = stateMachineInvocations(stacks);
writeFileSync(file, `${JSON.stringify({ release: version, stage: 'prod', stacks: inventory, invokes }, null, 2)}\n`);
const count = Object.values(inventory).reduce((n, r) => n + Object.keys(r).length, 0);
process.stdout.write(
  `release ${version}: ${count} stateful resources in ${Object.keys(inventory).length} stacks → ${file}\n`,
);
