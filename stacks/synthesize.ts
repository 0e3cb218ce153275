import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, getStack } from 'sst/constructs';
import { initProject } from 'sst/project.js';
import type { Catalog } from '../core/config/schema.js';
import type { StackTemplate, TemplateJson } from '../core/limits/index.js';
import { GOLDSMITH_STACKS } from './app.js';
import { setCatalog } from './catalog.js';
import { defaultFunctionProps } from './defaults.js';
import { writeSstTypesTo } from './sst-types.js';

/** The project root: SST reads sst.config.ts there, whatever the current directory. */
const ROOT = new URL('../', import.meta.url).pathname;

let projectReady: Promise<void> | undefined;

/**
 * Synthesizes every Goldsmith stack from `catalog`, offline and in process, as a deploy of `stage` would (the
 * app's default function props applied; no bundling: functions get placeholder code, which no limit depends on).
 * CDK's own 500-resource check is switched off so an over-full stack is measured and named instead of thrown.
 * `root` is the folder the catalog's component paths are relative to.
 */
export async function synthesizeTemplates(
  catalog: Catalog,
  options: { root: string; stage?: string; account?: string },
): Promise<StackTemplate[]> {
  const stage = options.stage ?? 'prod';
  // SST loads AWS SDK v2, whose end-of-support notice on load says nothing about a dry run.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  projectReady ??= initProject({ stage, root: ROOT });
  await projectReady;
  setCatalog(catalog, { root: options.root });
  const outdir = mkdtempSync(join(tmpdir(), 'goldsmith-synth-'));
  writeSstTypesTo(outdir);
  try {
    const app = new App(
      {
        mode: 'deploy',
        stage,
        name: 'goldsmith',
        region: catalog.organization.homeRegion,
        account: options.account ?? '123456789012',
      },
      { outdir, context: { '@aws-cdk/core:stackResourceLimit': 0 } },
    );
    app.setDefaultFunctionProps(defaultFunctionProps());
    for (const fn of GOLDSMITH_STACKS) app.stack(fn);
    const assembly = app.synth();
    return GOLDSMITH_STACKS.map((fn) => {
      const stack = getStack(fn);
      return {
        stack: stack.stackName,
        template: assembly.getStackArtifact(stack.artifactId).template as TemplateJson,
      };
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
