import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import type { BusRule } from '../eventbridge/bus.js';
import type { CfnTemplate, TemplateResolver } from '../simulator/intrinsics.js';
import type { Wiring } from '../simulator/wiring.js';
import type { StatesDefinition } from '../stepfunctions/localize.js';

/**
 * What a local cloud was deployed with, as far as an upgrade needs to know it (upgrade.ts): the state machines'
 * definitions (the running executions keep theirs), the functions, the bus rules, the SSM parameters, queues and
 * secrets the templates create. A saved cloud carries it; a save written before it was carried (release 0.2.0) has
 * it beside the save, in `deployment.json`, written from that release's checkout (scripts/release/deployment.ts).
 */
export interface SavedDeployment {
  /** The release deployed (events/release.ts). */
  release: string;
  /** State machine ARN → its definition, as the local cloud registers it. */
  stateMachines: Record<string, StatesDefinition>;
  /** Function ARN → its handler module. */
  functions: Record<string, string>;
  /** Bus rule name → the digest of what the template says of it (bus, Region, pattern, targets). */
  rules: Record<string, string>;
  /** SSM parameter name → the value the template gives it. */
  parameters: Record<string, string>;
  queues: string[];
  secrets: string[];
  /**
   * The catalog the cloud ran, as that release loaded it (its defaults filled in): an upgrade refuses another one
   * (cli/operator/saved-catalog.ts). Absent in a deployment written before it was recorded.
   */
  catalog?: unknown;
}

/** The part of a local cloud a deployment is read from: the synthesized templates and their wiring. */
export interface Deployed {
  wiring: Pick<Wiring, 'stateMachines' | 'functions' | 'rules' | 'queues'>;
  templates: readonly CfnTemplate[];
  resolver: TemplateResolver;
}

const digest = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);

/** What a template says of a rule (not what running code changed since: its state, its API name and target ids). */
export const ruleDigest = (rule: BusRule): string =>
  digest({ bus: rule.eventBusName, region: rule.region ?? null, pattern: rule.pattern, targets: rule.targets });

function resources(templates: readonly CfnTemplate[], type: string): [string, Record<string, unknown>][] {
  return templates.flatMap((t) =>
    Object.entries(t.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => [id, r.Properties ?? {}] as [string, Record<string, unknown>]),
  );
}

/** The SSM parameters the templates create, name → value. */
export function templateParameters(templates: readonly CfnTemplate[], resolver: TemplateResolver) {
  return Object.fromEntries(
    resources(templates, 'AWS::SSM::Parameter').map(([, p]) => [
      String(resolver.resolve(p.Name)),
      String(resolver.resolve(p.Value)),
    ]),
  );
}

/** The tier each SSM parameter of the templates asks for, by name (absent: Standard, CloudFormation's default). */
export function templateParameterTiers(templates: readonly CfnTemplate[], resolver: TemplateResolver) {
  return new Map(
    resources(templates, 'AWS::SSM::Parameter')
      .filter(([, p]) => p.Tier !== undefined)
      .map(([, p]) => [String(resolver.resolve(p.Name)), String(p.Tier)]),
  );
}

/** The Secrets Manager secrets the templates create, by physical name. */
export const templateSecrets = (templates: readonly CfnTemplate[], resolver: TemplateResolver): string[] =>
  resources(templates, 'AWS::SecretsManager::Secret').map(([id]) => resolver.physicalName(id));

/** The deployment of `cloud`, release `release`, which ran `catalog`. */
export function deploymentOf(cloud: Deployed, release: string, catalog: unknown): SavedDeployment {
  const { wiring, templates, resolver } = cloud;
  return {
    release,
    stateMachines: Object.fromEntries(wiring.stateMachines.map((m) => [m.arn, m.definition])),
    functions: Object.fromEntries([...wiring.functions].map(([arn, f]) => [arn, f.handler])),
    rules: Object.fromEntries(wiring.rules.map((r) => [r.name, ruleDigest(r)])),
    parameters: templateParameters(templates, resolver),
    queues: wiring.queues.map((q) => q.name),
    secrets: templateSecrets(templates, resolver),
    catalog: JSON.parse(JSON.stringify(catalog)) as unknown,
  };
}
