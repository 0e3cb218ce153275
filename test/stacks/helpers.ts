import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { App, getStack, type StackContext } from 'sst/constructs';
import { initProject } from 'sst/project.js';
import { type CatalogInput, catalogShapeSchema } from '../../core/config/schema.js';
import { hashCustomResourceHandlerByDigest } from '../../local/simulator/sst-asset-hash.js';
import { parseCatalogInput, setCatalog } from '../../stacks/catalog.js';
import { defaultFunctionProps } from '../../stacks/defaults.js';
import { Factory } from '../../stacks/Factory.js';
import { FACTORY_IMAGE_STACKS } from '../../stacks/FactoryImages.js';
import { writeSstTypesTo } from '../../stacks/sst-types.js';

// As the local cloud's syntheses do: SST's per-stack custom-resource handler hashed from its bundle's digest rather
// than its 4.6 MB text, the one difference in the templates that function's S3Key (local/simulator/sst-asset-hash.ts).
hashCustomResourceHandlerByDigest(true);

/** The repository root: catalog paths (`components/...`) resolve from here in every test. */
export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** A stack function as sst.config.ts passes it to `app.stack`. */
export type StackFunction = (ctx: StackContext) => unknown;

let projectReady: Promise<void> | undefined;

/** SST needs a project before any App; without a stage it prompts and hangs, so tests always pass one. */
export function ensureProject(): Promise<void> {
  projectReady ??= initProject({ stage: 'test' });
  return projectReady;
}

export interface SynthOptions {
  /** Stacks to define in order; later ones may `use()` earlier ones. The last one is the one returned. */
  stacks: StackFunction[];
  /**
   * `full` (default) validates like `goldsmith validate`; `shape` checks structure only, to reach the stacks' own
   * defences against catalogs the full rules would already reject.
   */
  validate?: 'full' | 'shape';
}

export interface Synthesized {
  app: App;
  /** Template of each stack, by stack function. */
  templates: Map<StackFunction, Template>;
  template: Template;
  stack: Stack;
}

/**
 * Builds an SST app offline from `catalog` and returns the synthesized templates. Build it once per test file
 * (`beforeAll`): synthesis takes seconds.
 */
export async function synthesize(catalog: CatalogInput, options: SynthOptions): Promise<Synthesized> {
  await ensureProject();
  const parsed =
    options.validate === 'shape' ? catalogShapeSchema.parse(catalog) : parseCatalogInput(catalog, REPO_ROOT);
  setCatalog(parsed, { root: REPO_ROOT });
  // Our own assembly directory, removed once the templates are read (CDK's default leaves a cdk.out* per app).
  // Removed whatever happens: a stack that refuses the catalog throws from `app.stack` after CDK has already staged
  // SST's custom-resource asset there.
  const outdir = mkdtempSync(join(tmpdir(), 'goldsmith-test-synth-'));
  writeSstTypesTo(outdir);
  const templates = new Map<StackFunction, Template>();
  let app: App;
  try {
    app = new App({ mode: 'deploy', stage: 'test', name: 'goldsmith', region: 'us-east-1' }, { outdir });
    // As sst.config.ts sets them, so every stack test sees the functions that deploy (arm64, active tracing).
    app.setDefaultFunctionProps(defaultFunctionProps());
    for (const fn of options.stacks) app.stack(fn);
    for (const fn of options.stacks) templates.set(fn, Template.fromStack(getStack(fn)));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  const last = options.stacks.at(-1);
  if (!last) throw new Error('synthesize: name at least one stack');
  return { app, templates, template: templates.get(last)!, stack: getStack(last) };
}

const shared = new Map<string, Promise<Synthesized>>();

/**
 * `synthesize`, once per worker for the same catalog, stacks and validation: the stack test files share one module
 * registry (vitest.config.ts, isolate: false), and several read the same app's templates. Only for files that read
 * the templates (`templates`, `template`): every caller gets the same objects, and SST's `getStack` answers for the
 * latest synthesis, which may be another file's.
 */
export function synthesizeShared(catalog: CatalogInput, options: SynthOptions): Promise<Synthesized> {
  const key = JSON.stringify([catalog, options.stacks.map((fn) => fn.name), options.validate ?? 'full']);
  let synth = shared.get(key);
  if (!synth) {
    synth = synthesize(catalog, options);
    shared.set(key, synth);
    synth.catch(() => shared.delete(key));
  }
  return synth;
}

type Json = unknown;

/** The Factory and the image stacks that hold each image's Image Builder resources. */
export const FACTORY_STACKS: StackFunction[] = [Factory, ...FACTORY_IMAGE_STACKS];

/**
 * The Factory's and its image stacks' templates as one, for assertions that do not care which stack holds a
 * resource. Logical ids do not collide: every image's ids start with its name. An image stack's imports of the
 * Factory's exports are replaced by what was exported (`Ref`, `Fn::GetAtt`), as if it were one stack; a cross-stack
 * `DependsOn` becomes a stack dependency in CDK, so it is in no template.
 */
export function factoryTemplate(synth: Synthesized): Template {
  const merged: { Resources: Record<string, Json>; Outputs: Record<string, Json> } = { Resources: {}, Outputs: {} };
  const exported = new Map<string, Json>();
  for (const fn of FACTORY_STACKS) {
    const json = synth.templates.get(fn)?.toJSON() as
      | { Resources?: Record<string, Json>; Outputs?: Record<string, { Value: Json; Export?: { Name: string } }> }
      | undefined;
    Object.assign(merged.Resources, json?.Resources);
    for (const [id, output] of Object.entries(json?.Outputs ?? {})) {
      if (output.Export) exported.set(output.Export.Name, output.Value);
      else merged.Outputs[id] = output;
    }
  }
  const unimport = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(unimport);
    if (typeof value !== 'object' || value === null) return value;
    const name = (value as { 'Fn::ImportValue'?: unknown })['Fn::ImportValue'];
    if (typeof name === 'string' && exported.has(name)) return exported.get(name);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unimport(v)]));
  };
  return Template.fromJSON(unimport(merged) as Record<string, Json>);
}

/** A minimal valid catalog (one AMI image, one region, one channel) for tests that must not lean on the example. */
export function minimalCatalog(overrides: Partial<CatalogInput> = {}): CatalogInput {
  return {
    organization: { id: 'o-zz9988776655', homeRegion: 'us-east-1' },
    images: {
      solo: {
        parent: 'ami-0123456789abcdef0',
        platform: 'Linux',
        architecture: 'x86_64',
        components: [{ managed: 'update-linux', version: '1.0.x' }],
        regions: ['us-east-1'],
      },
    },
    channels: [{ name: 'live', targets: { accounts: ['123456789012'] } }],
    ...overrides,
  };
}

/**
 * Resolves CloudFormation intrinsics a template uses for pseudo parameters and joins, so assertions can compare
 * plain strings: `{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...]] }` → `arn:aws:...`.
 * Other references become `<LogicalId>` or `<LogicalId.Attr>`.
 */
export function flatten(value: Json): Json {
  if (Array.isArray(value)) return value.map(flatten);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, Json>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const arg = record[key];
    if (key === 'Ref') return pseudo[arg as string] ?? `<${String(arg)}>`;
    if (key === 'Fn::GetAtt') return `<${(arg as string[]).join('.')}>`;
    if (key === 'Fn::Join') {
      const [sep, parts] = arg as [string, Json[]];
      return parts.map((part) => String(flatten(part))).join(sep);
    }
  }
  return Object.fromEntries(keys.map((key) => [key, flatten(record[key])]));
}

const pseudo: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '111111111111',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Every resource of `type` in the template, flattened, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Record<string, Json> }> {
  return flatten(template.findResources(type)) as Record<string, { Properties: Record<string, Json> }>;
}

/** An IAM policy statement as the stacks write it. */
export type PolicyStatement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

/**
 * A scheduled auditor as its stack declares it: the schedule whose target names `name` (its `Properties`), the
 * statements of the policy on `<name>ServiceRole`, and its actions sorted, logs and traces aside (every function's).
 */
export function auditorOf(template: Template, name: string) {
  const schedule = Object.values(resourcesOf(template, 'AWS::Scheduler::Schedule')).find((s) =>
    JSON.stringify(s.Properties.Target).includes(name),
  );
  const policy = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).find((p) =>
    JSON.stringify(p.Properties.Roles).includes(`${name}ServiceRole`),
  );
  const statements =
    (policy?.Properties.PolicyDocument as { Statement: PolicyStatement[] } | undefined)?.Statement ?? [];
  const actions = statements
    .flatMap((s) => [s.Action].flat())
    .filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))
    .sort();
  return { schedule: schedule?.Properties, statements, actions };
}
