import type { CustomResourceResponse } from '../../member/auto-scaling-grant.js';
import type { PolicyDocument } from '../trust/policies.js';
import type { MemberRole } from './member-access.js';
import { type MemberCloud, runInlineFunction } from './stacksets-inline-function.js';
import { instantiateTemplate } from './stacksets-template.js';
import type { CreateStackSetInput, StackInstance } from './stacksets-types.js';

/**
 * One stack instance's stack, created or deleted in its member account and Region: its named IAM roles made (or
 * deleted) in the account's IAM as the template declares them, with their trust and inline policies, when their
 * `Condition` holds; its custom resources run by executing the template's inline function code.
 */

/** The member accounts' IAM roles, as far as a stack's named roles go (local/fakes/member-access.ts). */
export interface StackRoles {
  defineRole(role: MemberRole): void;
  removeRole(arn: string): void;
  hasRole(arn: string): boolean;
}

type Resource = { Type: string; Condition?: string; Properties?: Record<string, unknown> };
export type Resources = Record<string, Resource>;

const isCustomResource = (type: string) =>
  type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

function policyDocument(doc: unknown, where: string): PolicyDocument {
  const { Version, Statement } = (doc ?? {}) as { Version?: unknown; Statement?: unknown };
  if (typeof Version !== 'string' || !Array.isArray(Statement)) throw new Error(`${where}: not an IAM policy document`);
  return { Version, Statement };
}

/**
 * Whether a template condition holds: `Fn::Equals` of two resolved values (the only function the member baseline's
 * conditions use: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html).
 */
function conditionHolds(condition: unknown, resolve: (v: unknown) => unknown, name: string): boolean {
  const equals = (condition as { 'Fn::Equals'?: [unknown, unknown] } | undefined)?.['Fn::Equals'];
  if (!equals) throw new Error(`condition ${name}: the fake evaluates only Fn::Equals`);
  return JSON.stringify(resolve(equals[0])) === JSON.stringify(resolve(equals[1]));
}

/** `Fn::If` of the template's conditions, chosen, throughout `value` (the other intrinsics are the resolver's). */
function chooseIfs(value: unknown, holds: (name: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => chooseIfs(v, holds));
  if (value === null || typeof value !== 'object') return value;
  const fnIf = (value as { 'Fn::If'?: [string, unknown, unknown] })['Fn::If'];
  if (fnIf) return chooseIfs(holds(fnIf[0]) ? fnIf[1] : fnIf[2], holds);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, chooseIfs(v, holds)]));
}

/** The template's named roles (`RoleName`) that this instance creates, in the account, with their documents. */
function namedRoles(
  template: { Resources?: unknown; Conditions?: unknown },
  resolve: (v: unknown) => unknown,
  account: string,
): (MemberRole & { id: string })[] {
  const conditions = (template.Conditions ?? {}) as Record<string, unknown>;
  const roles: (MemberRole & { id: string })[] = [];
  for (const [id, r] of Object.entries((template.Resources ?? {}) as Resources)) {
    if (r.Type !== 'AWS::IAM::Role' || r.Properties?.['RoleName'] === undefined) continue;
    if (r.Condition && !conditionHolds(conditions[r.Condition], resolve, r.Condition)) continue;
    const p = resolve(chooseIfs(r.Properties, (name) => conditionHolds(conditions[name], resolve, name))) as Record<
      string,
      unknown
    >;
    const path = typeof p['Path'] === 'string' ? p['Path'] : '/';
    const inline = (p['Policies'] ?? []) as { PolicyDocument?: unknown }[];
    roles.push({
      id,
      arn: `arn:aws:iam::${account}:role${path}${String(p['RoleName'])}`,
      trust: policyDocument(p['AssumeRolePolicyDocument'], `${id}.AssumeRolePolicyDocument`),
      policies: inline.map((x, i) => policyDocument(x.PolicyDocument, `${id}.Policies[${i}]`)),
    });
  }
  return roles;
}

/** One instance's template, instantiated for its account and Region, with the stack set's parameters. */
export interface InstanceTemplate {
  resources: Resources;
  resolve: (v: unknown) => unknown;
  /** The named roles it makes (namedRoles). */
  roles: (MemberRole & { id: string })[];
  /** Its custom resources' logical ids, in template order. */
  customs: string[];
  stackName: string;
}

export function instanceTemplate(instance: StackInstance, set: CreateStackSetInput): InstanceTemplate {
  const parameters = Object.fromEntries((set.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
  const stackName = instance.stackId.split('/')[1] ?? '';
  const { template, resolver } = instantiateTemplate(set.TemplateBody, parameters, {
    accountId: instance.account,
    region: instance.region,
    stackId: instance.stackId,
    stackName,
  });
  // Bound, not an arrow function: one is made per stack instance, and the simulator's TypeScript loader names each
  // arrow function it makes.
  const resolve = resolver.resolve.bind(resolver);
  const resources = template.Resources as Resources;
  return {
    resources,
    resolve,
    roles: namedRoles(template, resolve, instance.account),
    customs: Object.keys(resources).filter((id) => isCustomResource(resources[id]!.Type)),
    stackName,
  };
}

/** A custom resource's properties, resolved for the instance. */
export const customProperties = (t: InstanceTemplate, logicalId: string): Record<string, unknown> =>
  t.resolve(t.resources[logicalId]?.Properties ?? {}) as Record<string, unknown>;

/**
 * Sends one custom resource request (`Create`, `Update` with the resource's old properties, `Delete`) to the
 * template's inline function at `at`, as CloudFormation does
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html): its answer, or a FAILED
 * one when it never answered within the resource's ServiceTimeout, and the virtual time it took.
 */
export async function sendCustomResource(
  t: InstanceTemplate,
  request: {
    type: 'Create' | 'Update' | 'Delete';
    logicalId: string;
    props: Record<string, unknown>;
    oldProps?: Record<string, unknown>;
    physicalId?: string | undefined;
  },
  instance: StackInstance,
  member: MemberCloud,
  at: number,
): Promise<{
  answer: CustomResourceResponse | { Status: 'FAILED'; Reason: string; PhysicalResourceId: string };
  elapsedMs: number;
}> {
  const { type, logicalId, props, oldProps, physicalId } = request;
  const fnId = /:function:(.+)$/.exec(String(props['ServiceToken']))?.[1];
  const fn = fnId ? t.resources[fnId] : undefined;
  const code = (fn?.Properties?.['Code'] as { ZipFile?: string } | undefined)?.ZipFile;
  if (!fnId || !fn || !code) throw new Error(`${logicalId}: the fake runs only inline functions of the same template`);
  const roleId = (fn.Properties?.['Role'] as { 'Fn::GetAtt'?: [string] } | undefined)?.['Fn::GetAtt']?.[0] ?? fnId;
  const run = await runInlineFunction(
    code,
    {
      RequestType: type,
      ResponseURL: `https://cloudformation-custom-resource-response-${instance.region}.s3.amazonaws.com/${t.stackName}`,
      StackId: instance.stackId,
      RequestId: `${type}-${logicalId}-${at}`,
      LogicalResourceId: logicalId,
      ResourceProperties: props,
      ...(oldProps ? { OldResourceProperties: oldProps } : {}),
      ...(physicalId ? { PhysicalResourceId: physicalId } : {}),
    },
    {
      account: instance.account,
      region: instance.region,
      roleArn: `arn:aws:iam::${instance.account}:role/${t.stackName}-${roleId}`,
      startMs: at,
      timeoutSeconds: Number(fn.Properties?.['Timeout'] ?? 3),
    },
    member,
  );
  // A custom resource that never answers fails after its ServiceTimeout, an hour by default
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cfn-customresource.html).
  const timeout = Number(props['ServiceTimeout'] ?? 3600);
  const answer = run.response ?? { Status: 'FAILED', Reason: `no answer within ${timeout} s`, PhysicalResourceId: '' };
  return { answer, elapsedMs: run.elapsedMs };
}

/** The role of `roles` whose name another stack already holds in the account, if any. */
export const takenRole = (roles: readonly (MemberRole & { id: string })[], iam: StackRoles | undefined) =>
  roles.find((role) => iam?.hasRole(role.arn));

/** The failure of a Create or Update on a role name IAM already holds (names are unique per account). */
export const roleTakenReason = (role: { id: string; arn: string }) =>
  `${role.id}: Resource of type 'AWS::IAM::Role' with identifier '${role.arn.split('/').at(-1)}' already exists.`;

/**
 * Runs the instance's stack at `now`: on Create, its named roles, then its custom resources in template order; on
 * Delete, its custom resources in reverse order, then the roles it made. A role whose name another stack already holds
 * fails the Create, as IAM's names are unique per account ("Resource of type 'AWS::IAM::Role' with identifier … already
 * exists": https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/2426), and the stack goes no
 * further. Sets the instance's status and finishing time.
 */
export async function runInstanceStack(
  type: 'Create' | 'Delete',
  instance: StackInstance,
  set: CreateStackSetInput,
  cloud: { member: MemberCloud; roles: StackRoles | undefined },
  now: number,
): Promise<void> {
  const t = instanceTemplate(instance, set);
  if (type === 'Create' && cloud.roles) {
    const taken = takenRole(t.roles, cloud.roles);
    if (taken) {
      instance.status = 'OUTDATED';
      instance.statusReason = roleTakenReason(taken);
      instance.at = now;
      return;
    }
    for (const role of t.roles) {
      cloud.roles.defineRole(role);
      instance.physicalIds[role.id] = role.arn;
    }
  }
  let at = now;
  for (const logicalId of type === 'Create' ? t.customs : [...t.customs].reverse()) {
    const props = customProperties(t, logicalId);
    const physicalId = instance.physicalIds[logicalId];
    const { answer, elapsedMs } = await sendCustomResource(
      t,
      { type, logicalId, props, physicalId },
      instance,
      cloud.member,
      at,
    );
    at += elapsedMs;
    if (answer.Status === 'SUCCESS') instance.physicalIds[logicalId] = answer.PhysicalResourceId;
    else {
      instance.status = 'OUTDATED';
      instance.statusReason = `${logicalId}: ${answer.Reason}`;
    }
  }
  if (type === 'Delete')
    for (const role of t.roles) if (instance.physicalIds[role.id] === role.arn) cloud.roles?.removeRole(role.arn);
  instance.at = at;
}
