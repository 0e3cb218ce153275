import { getStack } from 'sst/constructs';
import { synthesizeApp } from '../../local/simulator/synth.js';
import { GOLDSMITH_STACKS } from '../../stacks/app.js';
import { parseCatalogInput } from '../../stacks/catalog.js';
import { type Comparison, compareBuilds, type Template } from './compare.js';
import { BUILD_ACCOUNT } from './offline.js';

/**
 * The in-process synthesis the local cloud runs (local/simulator/synth.ts), of the same catalog, stage, account and
 * Region as the real build, compared with the real build's templates (keyed by stack id, as `sstBuild` returns them).
 */
export async function compareWithInProcess(
  root: string,
  real: ReadonlyMap<string, { Resources?: object }>,
  options: { stage: string; region: string },
): Promise<Comparison> {
  const module: { default: unknown } = await import('../../goldsmith.config.js');
  const catalog = parseCatalogInput(module.default, root);
  const app = await synthesizeApp(catalog, GOLDSMITH_STACKS, {
    root,
    stage: options.stage,
    region: options.region,
    accountId: BUILD_ACCOUNT,
  });
  const prefix = `${options.stage}-goldsmith-`;
  const inProcess = new Map<string, Template>();
  GOLDSMITH_STACKS.forEach((fn, i) => {
    inProcess.set(getStack(fn).stackName.replace(prefix, ''), app.templates[i] as Template);
  });
  return compareBuilds(inProcess, real as ReadonlyMap<string, Template>, { app: 'goldsmith', stage: options.stage });
}
