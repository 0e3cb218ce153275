/**
 * Writes what a saved local cloud was deployed with (`DIR/deployment.json`: its state machines' definitions, its
 * functions, rules, parameters, queues and secrets; local/snapshot/deployment.ts) from a checkout of the release that
 * saved it, for a release whose saves do not carry it (0.2.0). `simulate --resume DIR` of a newer Goldsmith then
 * upgrades the cloud, keeping its running executions on the definitions they started on (docs/upgrading/rehearsal.md).
 *
 *   npm run release:deployment -- --root REL --into DIR [--config CATALOG]   # REL: a checkout of 0.2.0
 *
 * The checkout at `--root` synthesizes its own stacks as its local cloud does (its local/simulator, the catalog the
 * save names, or `--config`); it needs node_modules (a symlink to this checkout's will do).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Catalog } from '../../core/config/schema.js';
import { type Deployed, deploymentOf, type SavedDeployment } from '../../local/snapshot/deployment.js';

/** The deployment a checkout's local cloud makes for `catalogFile` (its own code, loaded from `root`). */
export async function checkoutDeployment(root: string, catalogFile: string): Promise<SavedDeployment> {
  const from = (path: string) => import(pathToFileURL(join(root, path)).href);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version))
    throw new Error(`${root}/package.json: version "${version}" is not a semantic version (x.y.z)`);
  const { loadCatalogFile } = (await from('cli/load-catalog.ts')) as {
    loadCatalogFile: (path: string) => Promise<Catalog>;
  };
  const synth = (await from('local/simulator/synth-cache.ts')) as {
    synthesizeAppCached: (c: Catalog, s: unknown, o: { root: string; accountId: string }) => Promise<unknown>;
    GOLDSMITH_STACK_SET: unknown;
  };
  const { TemplateResolver } = (await from('local/simulator/intrinsics.ts')) as {
    TemplateResolver: new (templates: unknown, env: { accountId: string; region: string }) => Deployed['resolver'];
  };
  const { readWiring } = (await from('local/simulator/wiring.ts')) as {
    readWiring: (app: unknown, resolver: Deployed['resolver']) => Deployed['wiring'];
  };
  const { LOCAL_ACCOUNT } = (await from('local/simulator/cloud-types.ts')) as { LOCAL_ACCOUNT: string };
  const catalog = await loadCatalogFile(catalogFile);
  const app = (await synth.synthesizeAppCached(catalog, synth.GOLDSMITH_STACK_SET, {
    root: resolve(catalogFile, '..'),
    accountId: LOCAL_ACCOUNT,
  })) as { templates: Deployed['templates'] };
  const resolver = new TemplateResolver(app.templates, {
    accountId: LOCAL_ACCOUNT,
    region: catalog.organization.homeRegion,
  });
  return deploymentOf({ wiring: readWiring(app, resolver), templates: app.templates, resolver }, version, catalog);
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  if (at === -1) return undefined;
  const value = process.argv[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(option('--root') ?? '.');
  const into = option('--into');
  if (!into) throw new Error('--into DIR: the saved cloud to write deployment.json into');
  const state = JSON.parse(readFileSync(join(into, 'state.json'), 'utf8')) as { catalogFile: string };
  // A save names a catalog inside the checkout relative to it (cli/operator/saved-state.ts, savedCatalogFile).
  const deployment = await checkoutDeployment(root, resolve(root, option('--config') ?? state.catalogFile));
  writeFileSync(join(into, 'deployment.json'), `${JSON.stringify(deployment)}\n`);
  process.stdout.write(
    `release ${deployment.release}: ${Object.keys(deployment.stateMachines).length} state machines, ${Object.keys(deployment.functions).length} functions → ${join(into, 'deployment.json')}\n`,
  );
  process.exit(0);
}
