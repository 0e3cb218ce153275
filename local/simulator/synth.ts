import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnResource, Stack } from 'aws-cdk-lib';
import { App, getStack, Function as SstFunction, type StackContext } from 'sst/constructs';
import { initProject } from 'sst/project.js';
import type { Catalog } from '../../core/config/schema.js';
import { setCatalog } from '../../stacks/catalog.js';
import { defaultFunctionProps } from '../../stacks/defaults.js';
import { writeSstTypesTo } from '../../stacks/sst-types.js';
import type { CfnTemplate } from './intrinsics.js';
import { hashCustomResourceHandlerByDigest } from './sst-asset-hash.js';
import { noteLoadTokens, releaseApp } from './synth-release.js';

export type StackFunction = (ctx: StackContext) => unknown;

/** What the local cloud reads off a synthesized app: every template and where each function's code lives. */
export interface SynthesizedApp {
  templates: CfnTemplate[];
  /** Lambda logical id → SST handler setting (`functions/start-builds.handler`). */
  handlers: Map<string, string>;
}

let projectReady: Promise<void> | undefined;

// SST's per-stack custom-resource handler hashed from its bundle's digest, not its 4.6 MB text (sst-asset-hash.ts).
hashCustomResourceHandlerByDigest(true);

/**
 * Synthesizes the Goldsmith stacks in process from `catalog`, offline: SST's deploy-mode synthesis without
 * bundling (functions get placeholder code), which is all the local cloud needs — rules, schedules, the ASL, tables,
 * environments and handler paths.
 */
export async function synthesizeApp(
  catalog: Catalog,
  stacks: readonly StackFunction[],
  options: {
    root: string;
    stage?: string;
    region?: string;
    accountId?: string;
    /** Release what the app leaves in aws-cdk-lib and SST once read (synth-release.ts): for a synthesis thread only,
     * where no other app lives. */
    release?: boolean;
  },
): Promise<SynthesizedApp> {
  projectReady ??= initProject({ stage: options.stage ?? 'local' });
  await projectReady;
  setCatalog(catalog, { root: options.root });
  // The cloud assembly (templates, placeholder assets) goes to a directory of our own, removed once read: CDK's
  // default is a new cdk.out* directory in the system temp dir on every synthesis, left behind.
  const outdir = mkdtempSync(join(tmpdir(), 'goldsmith-local-synth-'));
  writeSstTypesTo(outdir);
  try {
    return readAssembly(stacks, outdir, options.release === true, {
      mode: 'deploy',
      stage: options.stage ?? 'local',
      name: 'goldsmith',
      region: options.region ?? catalog.organization.homeRegion,
      account: options.accountId ?? '123456789012',
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function readAssembly(
  stacks: readonly StackFunction[],
  outdir: string,
  release: boolean,
  props: ConstructorParameters<typeof App>[0],
): SynthesizedApp {
  if (release) noteLoadTokens();
  const app = new App(props, { outdir });
  try {
    // As sst.config.ts sets them: without them every function synthesizes for x86_64, not the arm64 that deploys.
    app.setDefaultFunctionProps(defaultFunctionProps());
    for (const fn of stacks) app.stack(fn);
    const assembly = app.synth();
    const templates: CfnTemplate[] = [];
    const handlers = new Map<string, string>();
    for (const fn of stacks) {
      const stack: Stack = getStack(fn);
      templates.push(assembly.getStackArtifact(stack.artifactId).template as CfnTemplate);
      for (const construct of stack.node.findAll()) {
        if (!(construct instanceof SstFunction)) continue;
        const handler = construct.getConstructMetadata().data.handler;
        if (!handler) continue;
        const logicalId = stack.getLogicalId(construct.node.defaultChild as CfnResource);
        handlers.set(logicalId, handler);
      }
    }
    return { templates, handlers };
  } finally {
    // A synthesis that failed partway is released too: the stacks it made, and the app.
    if (release)
      releaseApp(
        app,
        stacks.flatMap((fn) => madeStack(fn)),
      );
  }
}

/** The stack `fn` made in the current app, if it got that far. */
function madeStack(fn: StackFunction): object[] {
  try {
    return [getStack(fn)];
  } catch {
    return [];
  }
}
