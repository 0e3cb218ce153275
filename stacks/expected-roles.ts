import { AspectPriority, Aspects, Aws, CfnResource, type IAspect, Lazy, Names, Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { IConstruct } from 'constructs';
import { App } from 'sst/constructs';
import { splitStatements } from '../core/audit/role-documents.js';
import { rolesPath } from '../core/audit/roles.js';

/**
 * Writes each IAM role as the deployment makes it, resolved by CloudFormation, under `/goldsmith/_roles/<stage>/`,
 * for the roles' audit (functions/audit/roles.ts, core/audit/roles.ts): per `AWS::IAM::Role` its name, ARN, trust
 * policy, managed policy ARNs and permissions boundary; per policy document (a role's `Policies` entry, an
 * `AWS::IAM::Policy`) the roles it is on, its name and its statements; per `AWS::IAM::ManagedPolicy` with `Roles`
 * its ARN. Each value names the resource, so CloudFormation writes it after the resource.
 *
 * Sizes: a role's inline policies may hold 10,240 characters together
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), an Advanced parameter 8 KB
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html), so a
 * document is split by statements into parts of about {@link PART_CHARS} characters as the template renders them
 * (a resolved ARN is rarely twice the intrinsic that names it), each part a parameter of its own; Intelligent-Tiering
 * makes a part Advanced only when it needs to be. The number of parts is fixed when the aspect visits (a parameter is
 * a resource), with room for a statement added later (stacks/function-logs.ts adds one for the log group); the parts'
 * contents are the document as synthesized. Under `/goldsmith/`, which the SCP keeps to the deployment.
 * Uncached values: a statement naming another stack's resource resolves to that stack's import only once CDK has
 * assigned the imports (a value produced earlier, and cached, kept a bare `Ref` CloudFormation refuses).
 */
export const PART_CHARS = 2_000;

/** A resource's properties and their rendering, which CfnResource keeps to itself and its subclasses. */
interface Rendering {
  cfnProperties: Record<string, unknown>;
  rawOverrides: Record<string, unknown>;
  renderProperties(props: Record<string, unknown>): Record<string, unknown>;
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** `target` with `overrides` merged in as CloudFormation's rendering does (an undefined value deletes). */
function merged(target: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const out = { ...target };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete out[k];
    else if (obj(v) === v && obj(out[k]) === out[k]) out[k] = merged(out[k] as Record<string, unknown>, obj(v));
    else out[k] = v;
  }
  return out;
}

/** The resource's properties as the template renders them (property overrides applied), resolved to intrinsics. */
function renderedProperties(node: CfnResource): Record<string, unknown> {
  const l1 = node as unknown as Rendering;
  const props = merged(l1.renderProperties(l1.cfnProperties), obj(obj(l1.rawOverrides).Properties));
  return obj(Stack.of(node).resolve(props));
}

const statementsOf = (doc: unknown): unknown[] => {
  const s = obj(doc).Statement;
  return Array.isArray(s) ? s : s === undefined ? [] : [s];
};

/** How many parts a document needs now, and one more for what is added later. */
const partsFor = (doc: unknown) => Math.ceil((JSON.stringify(doc ?? {}).length + PART_CHARS / 2) / PART_CHARS);

function parameter(scope: IConstruct, id: string, name: string, value: string): ssm.StringParameter {
  return new ssm.StringParameter(scope, id, {
    parameterName: name,
    description: 'Goldsmith: a role as the deployment made it, for the audit',
    stringValue: value,
    tier: ssm.ParameterTier.INTELLIGENT_TIERING,
  });
}

/** One policy document's parts: `document()` is read when the template is written. */
function recordDocument(
  node: CfnResource,
  key: string,
  name: string,
  record: () => { roles: unknown; policy: unknown; document: unknown },
): void {
  const stack = Stack.of(node);
  const scope = node.node.scope;
  if (!scope) return;
  const parts = partsFor(record().document);
  for (let part = 0; part < parts; part++) {
    const value = Lazy.uncachedString({
      produce: () => {
        const { roles, policy, document } = record();
        const groups = splitStatements(statementsOf(document), parts);
        const version = obj(document).Version;
        return stack.toJsonString({ kind: 'policy', roles, policy, part, version, statements: groups[part] ?? [] });
      },
    });
    // Written after the policy (a new policy on a role is not drift while its record is yet to come).
    parameter(scope, `${key}Expected${part}`, `${name}-${part}`, value).node.addDependency(node);
  }
}

class ExpectedRoles implements IAspect {
  constructor(private readonly stage: string) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || !node.node.scope) return;
    const scope = node.node.scope;
    const base = `${rolesPath(this.stage)}${Names.uniqueId(node)}`;
    if (scope.node.tryFindChild(`${node.node.id}Expected`) || scope.node.tryFindChild(`${node.node.id}Expected0`)) {
      return;
    }
    const stack = Stack.of(node);
    if (node.cfnResourceType === 'AWS::IAM::Role') {
      const value = Lazy.uncachedString({
        produce: () => {
          const p = renderedProperties(node);
          const boundary = p.PermissionsBoundary;
          return stack.toJsonString({
            kind: 'role',
            name: node.ref,
            arn: node.getAtt('Arn'),
            stack: Aws.STACK_NAME,
            trust: p.AssumeRolePolicyDocument,
            managed: p.ManagedPolicyArns ?? [],
            ...(boundary !== undefined ? { boundary } : {}),
          });
        },
      });
      parameter(scope, `${node.node.id}Expected`, base, value);
      const inline = (renderedProperties(node).Policies ?? []) as unknown[];
      inline.forEach((_, i) => {
        recordDocument(node, `${node.node.id}Inline${i}`, `${base}-inline${i}`, () => {
          const p = obj(((renderedProperties(node).Policies ?? []) as unknown[])[i]);
          return { roles: [node.ref], policy: p.PolicyName, document: p.PolicyDocument };
        });
      });
    } else if (node.cfnResourceType === 'AWS::IAM::Policy') {
      recordDocument(node, node.node.id, base, () => {
        const p = renderedProperties(node);
        return { roles: p.Roles ?? [], policy: p.PolicyName, document: p.PolicyDocument };
      });
    } else if (node.cfnResourceType === 'AWS::IAM::ManagedPolicy' && renderedProperties(node).Roles !== undefined) {
      const value = Lazy.uncachedString({
        produce: () => stack.toJsonString({ kind: 'managed', roles: renderedProperties(node).Roles, arn: node.ref }),
      });
      parameter(scope, `${node.node.id}Expected`, base, value);
    }
  }
}

/**
 * Applies {@link ExpectedRoles} to every role and policy `stack` holds, after the aspects that change them (a
 * read-only aspect's priority). A stack synthesized outside Goldsmith's app (a construct test) has no stage: nothing.
 */
export function recordExpectedRoles(stack: Stack): void {
  const root = stack.node.root;
  if (!(root instanceof App)) return;
  Aspects.of(stack).add(new ExpectedRoles(root.stage), { priority: AspectPriority.READONLY });
}
