import type { CatalogInput } from '../../core/config/schema.js';
import exampleCatalog from '../../goldsmith.config.js';
import { type SynthesizedApp, synthesizeApp } from '../../local/simulator/synth.js';
import { GOLDSMITH_STACKS } from '../../stacks/app.js';
import { parseCatalogInput } from '../../stacks/catalog.js';
import { REPO_ROOT } from './helpers.js';

const apps = new Map<string, Promise<SynthesizedApp>>();

/**
 * The example catalog's app as the local cloud synthesizes it (every stack, in account `accountId`), once per worker:
 * the stack test files share one module registry (vitest.config.ts, isolate: false), and the files of the local
 * cloud's policies and doors read the same app. Each caller gets its own copy, so no file sees another's changes.
 */
export async function exampleLocalApp(accountId: string): Promise<SynthesizedApp> {
  let app = apps.get(accountId);
  if (!app) {
    app = synthesizeApp(parseCatalogInput(exampleCatalog as CatalogInput, REPO_ROOT), GOLDSMITH_STACKS, {
      root: REPO_ROOT,
      accountId,
    });
    apps.set(accountId, app);
    app.catch(() => apps.delete(accountId));
  }
  return structuredClone(await app);
}
