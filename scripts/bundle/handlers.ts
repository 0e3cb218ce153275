import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../../core/config/schema.js';

/** One deployed Lambda function: where its code is and the environment Lambda gives it. */
export interface LambdaFunction {
  /** Short name for tables: the handler file without `functions/` (`promotion/load-image`). */
  name: string;
  /** SST's handler setting, `functions/promotion/load-image.handler`. */
  handler: string;
  /** The entry module relative to the root, `functions/promotion/load-image.ts`. */
  entry: string;
  /** The CloudFormation logical id, when the handler came from a synthesized stack. */
  logicalId?: string;
  /** The function's environment variables from the template (intrinsics resolved to placeholder names). */
  environment: Record<string, string>;
}

export interface DiscoveredFunctions {
  functions: LambdaFunction[];
  /** `synth`: read off the synthesized stacks; `glob`: every functions/ module exporting a handler. */
  source: 'synth' | 'glob';
  /** Why synthesis was not used, when it was not. */
  fallbackReason?: string;
}

const HANDLER_DIRS = ['functions', 'functions/promotion', 'functions/sinks'];
const EXPORTS_HANDLER =
  /export\s+(?:const|let|var|(?:async\s+)?function)\s+handler\b|export\s*\{[^}]*\bhandler\b[^}]*\}/;

/** `functions/promotion/load-image.handler` → its entry file (`.ts` first, as SST looks) and export name. */
export function entryOfHandler(root: string, handler: string): { entry: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`handler "${handler}" must look like "functions/file.exportName"`);
  const base = handler.slice(0, dot);
  const entry = ['.ts', '.mts', '.js', '.mjs'].map((ext) => `${base}${ext}`).find((f) => existsSync(join(root, f)));
  if (!entry) throw new Error(`handler "${handler}": no ${base}.ts (or .mts/.js/.mjs) under ${root}`);
  return { entry, exportName: handler.slice(dot + 1) };
}

function functionOf(root: string, handler: string, environment: Record<string, string>, logicalId?: string) {
  const { entry } = entryOfHandler(root, handler);
  const name = entry.replace(/^functions\//, '').replace(/\.[cm]?[jt]s$/, '');
  return { name, handler, entry, environment, ...(logicalId === undefined ? {} : { logicalId }) };
}

/** Every `functions/*.ts` and `functions/promotion/*.ts` module that exports `handler`, sorted by path. */
export function globHandlers(root: string): LambdaFunction[] {
  const found: LambdaFunction[] = [];
  for (const dir of HANDLER_DIRS) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const file of readdirSync(abs).sort()) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
      if (!EXPORTS_HANDLER.test(readFileSync(join(abs, file), 'utf8'))) continue;
      found.push(functionOf(root, `${dir}/${file.slice(0, -'.ts'.length)}.handler`, {}));
    }
  }
  return found;
}

interface TemplateLike {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** Resolves one function's `Environment.Variables` with `resolve`, every value as a string. */
function environmentOf(
  templates: readonly TemplateLike[],
  logicalId: string,
  resolve: (value: unknown) => unknown,
): Record<string, string> {
  for (const t of templates) {
    const props = t.Resources?.[logicalId]?.Properties;
    if (!props) continue;
    const variables = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, stringValue(resolve(v))]));
  }
  return {};
}

function stringValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Every Lambda function of the app, read off all of Goldsmith's synthesized stacks (GOLDSMITH_STACKS: handler
 * paths and environments as deployed). If a stack module is missing or synthesis throws, every functions/ module
 * exporting `handler` instead, with the reason.
 */
export async function discoverFunctions(root: string, catalog: Catalog): Promise<DiscoveredFunctions> {
  try {
    const [{ GOLDSMITH_STACK_SET, synthesizeAppCached }, { TemplateResolver }] = await Promise.all([
      import('../../local/simulator/synth-cache.js'),
      import('../../local/simulator/intrinsics.js'),
    ]);
    // Through the synthesis cache, and on a miss in the synthesis worker: aws-cdk-lib and the construct tree are not
    // kept (nor what a synthesis leaves in the allocator) through the benchmarks that follow in the same process.
    const app = await synthesizeAppCached(catalog, GOLDSMITH_STACK_SET, { root });
    const resolver = new TemplateResolver(app.templates, {
      accountId: '123456789012',
      region: catalog.organization.homeRegion,
    });
    const functions = [...app.handlers]
      .map(([logicalId, handler]) =>
        functionOf(
          root,
          handler,
          environmentOf(app.templates, logicalId, (v) => resolver.resolve(v)),
          logicalId,
        ),
      )
      .sort((a, b) => a.entry.localeCompare(b.entry));
    if (functions.length === 0) throw new Error('the synthesized stacks define no functions');
    return { functions, source: 'synth' };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { functions: globHandlers(root), source: 'glob', fallbackReason: reason };
  }
}
