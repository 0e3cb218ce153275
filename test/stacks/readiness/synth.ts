import type { CfnResource } from 'aws-cdk-lib';
import { getStack, Function as SstFunction } from 'sst/constructs';
import type { CatalogInput } from '../../../core/config/schema.js';
import { Factory } from '../../../stacks/Factory.js';
import { FACTORY_IMAGE_STACKS } from '../../../stacks/FactoryImages.js';
import { Ledger } from '../../../stacks/Ledger.js';
import { MemberBaseline } from '../../../stacks/MemberBaseline.js';
import { Monitoring } from '../../../stacks/Monitoring.js';
import { Notifications } from '../../../stacks/Notifications.js';
import { Promotion } from '../../../stacks/Promotion.js';
import { Triggers } from '../../../stacks/Triggers.js';
import { Trust } from '../../../stacks/Trust.js';
import { type StackFunction, synthesize } from '../helpers.js';

/** The app's stacks in dependency order (later ones `use()` earlier ones). */
export const APP_STACKS: readonly StackFunction[] = [
  Ledger,
  Factory,
  ...FACTORY_IMAGE_STACKS,
  MemberBaseline,
  Notifications,
  Promotion,
  Triggers,
  Monitoring,
  Trust,
];

/** A template resource as synthesized. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface TemplateJson {
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** One of our Lambda functions, as the synthesized app shows it. */
export interface AppFunction {
  stack: string;
  logicalId: string;
  /** SST handler setting, e.g. `functions/start-builds.handler`. */
  handler: string;
  /** Logical id of the function's execution role. */
  roleLogicalId: string;
}

export interface SynthesizedApp {
  /** Template JSON per stack name (`Ledger`, `Factory`, ...), in dependency order. */
  templates: Map<string, TemplateJson>;
  functions: AppFunction[];
}

/**
 * Each catalog's app, synthesized once per worker: the stack tests share one module registry (vitest.config.ts,
 * isolate: false), and five readiness files check the same example and minimal apps.
 */
const synthesized = new Map<string, Promise<SynthesizedApp>>();

/**
 * Synthesizes every app stack from `catalog` offline; reads off the templates and our functions' handlers. Each
 * caller gets its own copy, so no test sees another's changes.
 */
export async function synthesizeApp(catalog: CatalogInput): Promise<SynthesizedApp> {
  const key = JSON.stringify(catalog);
  let app = synthesized.get(key);
  if (!app) {
    app = synthesizeOnce(catalog);
    synthesized.set(key, app);
    app.catch(() => synthesized.delete(key));
  }
  return structuredClone(await app);
}

async function synthesizeOnce(catalog: CatalogInput): Promise<SynthesizedApp> {
  const synth = await synthesize(catalog, { stacks: [...APP_STACKS] });
  const templates = new Map<string, TemplateJson>();
  const functions: AppFunction[] = [];
  for (const fn of APP_STACKS) {
    const template = synth.templates.get(fn)!.toJSON() as TemplateJson;
    templates.set(fn.name, template);
    const stack = getStack(fn);
    for (const construct of stack.node.findAll()) {
      if (!(construct instanceof SstFunction)) continue;
      const handler = construct.getConstructMetadata().data.handler;
      if (!handler) continue;
      const logicalId = stack.getLogicalId(construct.node.defaultChild as CfnResource);
      const role = template.Resources[logicalId]?.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
      const roleLogicalId = role?.['Fn::GetAtt']?.[0];
      if (!roleLogicalId) throw new Error(`${fn.name}/${logicalId}: no execution role in the template`);
      functions.push({ stack: fn.name, logicalId, handler, roleLogicalId });
    }
  }
  return { templates, functions };
}
