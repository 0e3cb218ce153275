import type { StackTemplate } from '../../core/limits/index.js';
import { type SpecDatabase, type SpecProperty, type SpecType, serviceSpec } from '../readiness/cfn-schema.js';
import { hasFnIf, nameProperty, resourceFixedName } from './physical-name.js';
import { pinnedResources, referenced } from './pinned.js';

/**
 * The stateful resources of a release's templates, and what a deploy of another release would do to them.
 *
 * A deploy replaces a resource when its logical id changes (CloudFormation creates the new id and deletes the old)
 * or when a property whose update "requires replacement" changes; the CloudFormation registry schemas mark those
 * properties createOnly, which `@aws-cdk/aws-service-spec` carries as `causesReplacement: 'yes' | 'maybe'` on the
 * property (top-level and nested). https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
 * A removed or replaced resource is deleted unless its DeletionPolicy / UpdateReplacePolicy is Retain.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 * The rules a release is held to: scripts/release/compare.ts.
 */

/** Types whose data outlives a deploy: never replaced, always Retain (deleting them loses what they hold). */
export const DATA_TYPES: ReadonlySet<string> = new Set([
  'AWS::DynamoDB::Table', // the ledger
  'AWS::KMS::Key', // AMIs, secrets and topics encrypted with it
  'AWS::SecretsManager::Secret', // the HMAC keys that sign approval links living for weeks
  'AWS::SSM::Parameter', // pointers and the deployed release
  'AWS::S3::Bucket', // build logs, each version's SBOMs
  'AWS::SQS::Queue', // dead letters waiting for a redrive
  'AWS::Logs::LogGroup', // the audit trail of every function and of the state machine
  'AWS::ECR::Repository', // container images
  'AWS::Scheduler::ScheduleGroup', // deleting a group deletes its schedules: scheduled revocations, redrives
  // Deleting a StackSet deletes its stack instances: the member grants and the rollout roles of every member account.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-stackset.html
  'AWS::CloudFormation::StackSet',
]);

/**
 * Types whose identity carries state held elsewhere: never replaced, but Retain is not asked of them. A replaced
 * state machine stops the executions waiting on task tokens (approvals, soaks, rollouts between waves); a retained
 * one would keep them calling functions that are gone. Topics hold subscriptions made outside the template; the
 * custom resources made the AMI key's replicas and the regional repositories, and delete nothing when removed.
 */
export const IDENTITY_TYPES: ReadonlySet<string> = new Set([
  'AWS::StepFunctions::StateMachine',
  'AWS::SNS::Topic',
  'AWS::Events::EventBus',
  'Custom::GoldsmithKeyReplica',
  'Custom::GoldsmithRepository',
  // A function URL's address is its identity: approval links already sent and the Slack interactivity URL name it.
  // https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html
  'AWS::Lambda::Url',
]);

/** Functions and roles compared as identity resources when {@link pinnedResources} finds them. */
const PINNED_TYPES: ReadonlySet<string> = new Set(['AWS::Lambda::Function', 'AWS::IAM::Role']);

/** One stateful resource as a release recorded it: only what decides replacement and retention. */
export interface StatefulResource {
  type: string;
  /** DeletionPolicy (CloudFormation's default when absent is Delete). */
  deletionPolicy: string;
  updateReplacePolicy: string;
  /** The property values whose change makes CloudFormation replace the resource (nested ones keep their path). */
  replacing: Record<string, unknown>;
  /** The physical name the template fixes (scripts/release/physical-name.ts); absent when generated. */
  fixedName?: string;
  /** A state machine's role (its RoleArn's logical id, `stack logicalId`); recorded from 0.2.0's fixture on. */
  role?: string;
  /** Properties whose change CloudFormation refuses (an AWS::KMS::Key's), defaults filled in. */
  immutable?: Record<string, unknown>;
  /**
   * Template shapes the check cannot follow and refuses (scripts/release/compare.ts): a `Condition` on the resource,
   * an `Fn::If` in its name or a state machine's role. Absent when there is none.
   */
  conditional?: string[];
}

/** A release's stateful resources: stack name → logical id → resource. */
export type StatefulInventory = Record<string, Record<string, StatefulResource>>;

function isStatefulType(type: string): boolean {
  return DATA_TYPES.has(type) || IDENTITY_TYPES.has(type);
}

/** DeletionPolicy values that keep the resource when a stack operation removes it (but not its own create's rollback). */
export const RETAINING = new Set(['Retain', 'RetainExceptOnCreate']);

/**
 * AWS::KMS::Key's properties that cannot change, with CloudFormation's defaults: "If you change the value of the
 * KeySpec, KeyUsage, Origin, or MultiRegion properties of an existing KMS key, the update request fails, regardless of
 * the value of the UpdateReplacePolicy attribute."
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
 */
const KMS_IMMUTABLE: Readonly<Record<string, unknown>> = {
  KeySpec: 'SYMMETRIC_DEFAULT',
  KeyUsage: 'ENCRYPT_DECRYPT',
  Origin: 'AWS_KMS',
  MultiRegion: false,
};

type Resources = Record<string, Record<string, unknown>>;

/** Keeps, from `value`, the parts whose change causes replacement according to `properties`' spec. */
function replacingParts(
  db: SpecDatabase,
  properties: Record<string, SpecProperty & { causesReplacement?: string }>,
  value: unknown,
): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const kept: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(properties)) {
    const v = (value as Record<string, unknown>)[name];
    if (spec.causesReplacement === 'yes' || spec.causesReplacement === 'maybe') {
      kept[name] = v ?? null;
      continue;
    }
    if (v === undefined) continue;
    const nested = nestedParts(db, spec.type, v);
    if (nested !== undefined) kept[name] = nested;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function nestedParts(db: SpecDatabase, type: SpecType, value: unknown): unknown {
  if (type.type === 'ref') {
    const def = db.get('typeDefinition', type.reference) as { properties: Record<string, SpecProperty> };
    return replacingParts(db, def.properties, value);
  }
  if ((type.type === 'array' || type.type === 'map') && typeof value === 'object' && value !== null) {
    const parts = Object.entries(value).map(([k, v]) => [k, nestedParts(db, type.element, v)] as const);
    if (parts.every(([, p]) => p === undefined)) return undefined;
    return Array.isArray(value) ? parts.map(([, p]) => p ?? null) : Object.fromEntries(parts);
  }
  return undefined;
}

/**
 * A parameter the deployment derives and writes again on every deploy holds no state of its own: the expected
 * resource policies the audit compares with (`/goldsmith/_policies/<stage>/…`, stacks/expected-policies.ts) and the
 * functions' expected properties (`/goldsmith/_functions/<stage>/…`, stacks/expected-functions.ts) and the roles'
 * records (`/goldsmith/_roles/<stage>/…`, stacks/expected-roles.ts). Its replacement
 * or removal loses nothing, so it is not held to the stateful rules.
 */
const DERIVED_PARAMETERS = ['/goldsmith/_policies/', '/goldsmith/_functions/', '/goldsmith/_roles/'];
function isDerivedParameter(type: string, props: Record<string, unknown>): boolean {
  const name = props.Name;
  return (
    type === 'AWS::SSM::Parameter' && typeof name === 'string' && DERIVED_PARAMETERS.some((p) => name.startsWith(p))
  );
}

/** The stateful resources of synthesized templates, reduced to what {@link compareStateful} reads. */
export function statefulInventory(
  stacks: readonly StackTemplate[],
  db: SpecDatabase = serviceSpec(),
): StatefulInventory {
  const inventory: StatefulInventory = {};
  const pinned = pinnedResources(stacks);
  for (const { stack, template } of stacks) {
    const resources = (template.Resources ?? {}) as Resources;
    const parameters = new Set(Object.keys((template.Parameters ?? {}) as Record<string, unknown>));
    for (const [id, resource] of Object.entries(resources)) {
      const type = String(resource.Type);
      const retained = RETAINING.has(String(resource.DeletionPolicy));
      if (!isStatefulType(type) && !retained && !(PINNED_TYPES.has(type) && pinned.has(`${stack} ${id}`))) continue;
      const props = (resource.Properties ?? {}) as Record<string, unknown>;
      if (isDerivedParameter(type, props)) continue;
      let replacing: Record<string, unknown>;
      if (type.startsWith('Custom::')) {
        // A custom resource is replaced only when its handler answers with another physical id: a changed Create or
        // Update call is an update. Ours (AwsCustomResource) carry the id in the call; Delete says what removal does.
        replacing = {
          physicalResourceIds: [props.Create, props.Update].map(physicalResourceId),
          deletes: props.Delete !== undefined,
        };
      } else {
        const spec = db.lookup('resource', 'cloudFormationType', 'equals', type).only() as {
          properties: Record<string, SpecProperty>;
        };
        replacing = replacingParts(db, spec.properties, props) ?? {};
      }
      inventory[stack] ??= {};
      inventory[stack][id] = {
        type,
        deletionPolicy: String(resource.DeletionPolicy ?? 'Delete'),
        updateReplacePolicy: String(resource.UpdateReplacePolicy ?? 'Delete'),
        replacing,
        ...recorded(db, stacks, stack, type, props, parameters),
        ...conditionalShapes(db, type, resource, props),
      };
    }
  }
  return inventory;
}

/** What the release rules read beside replacement: the fixed name, a state machine's role, a key's immutables. */
function recorded(
  db: SpecDatabase,
  stacks: readonly StackTemplate[],
  stack: string,
  type: string,
  props: Record<string, unknown>,
  parameters: ReadonlySet<string>,
): Pick<StatefulResource, 'fixedName' | 'role' | 'immutable'> {
  const fixedName = type.startsWith('Custom::') ? undefined : resourceFixedName(db, type, props, parameters);
  const role = type === 'AWS::StepFunctions::StateMachine' ? referenced(props.RoleArn, stacks, stack) : undefined;
  const immutable =
    type === 'AWS::KMS::Key'
      ? Object.fromEntries(Object.entries(KMS_IMMUTABLE).map(([k, d]) => [k, props[k] ?? d]))
      : undefined;
  return {
    ...(fixedName === undefined ? {} : { fixedName }),
    ...(role === undefined ? {} : { role }),
    ...(immutable === undefined ? {} : { immutable }),
  };
}

/**
 * What on a stateful or pinned resource depends on a condition. A `Condition` that evaluates false at a deploy makes
 * CloudFormation delete the resource: conditions are "re-evaluated at each stack update before updating any
 * resources", and a resource now associated with a false condition is deleted
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html). An `Fn::If` in
 * its name or a state machine's role picks the name or role by a condition a later deploy may flip (a replacement, or
 * a role swapped under running executions). The templates Goldsmith synthesizes hold neither on these resources
 * (test/stacks/release-rules.test.ts reads them), so the check refuses each rather than evaluating it.
 */
function conditionalShapes(
  db: SpecDatabase,
  type: string,
  resource: Record<string, unknown>,
  props: Record<string, unknown>,
): Pick<StatefulResource, 'conditional'> {
  const shapes: string[] = [];
  if (resource.Condition !== undefined)
    shapes.push(
      `Condition ${JSON.stringify(resource.Condition)}: any deploy where it evaluates false deletes the resource`,
    );
  const name = type.startsWith('Custom::') ? undefined : nameProperty(db, type);
  if (name !== undefined && hasFnIf(props[name]))
    shapes.push(`its name (${name}) is an Fn::If: a deploy that flips the condition replaces the resource`);
  if (type === 'AWS::StepFunctions::StateMachine' && hasFnIf(props.RoleArn))
    shapes.push('its RoleArn is an Fn::If: a deploy that flips the condition swaps the role under running executions');
  return shapes.length > 0 ? { conditional: shapes } : {};
}

/** The literal physical id an AwsCustomResource call names (`physicalResourceId: { id }`), if any. */
function physicalResourceId(call: unknown): string | null {
  if (call === undefined) return null;
  const found = /physicalResourceId\\*":\{\\*"id\\*":\\*"([^"\\]*)/.exec(JSON.stringify(call));
  return found?.[1] ?? 'not a literal';
}
