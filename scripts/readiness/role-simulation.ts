import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { type CfnTemplate, TemplateResolver } from '../../local/simulator/intrinsics.js';

/**
 * Simulates a function role's IAM decision for one request with `@cloud-copilot/iam-simulate`, from the policies a
 * deploy would attach: the role's inline policies plus every AWS::IAM::Policy / ManagedPolicy naming the role,
 * with intrinsics resolved across all the app's templates.
 */

/** The account the offline app deploys to in simulations. */
export const SIMULATED_ACCOUNT = '111111111111';

/** Secrets Manager appends a random suffix to a secret's name in its ARN; any fixed one stands in for it. */
export const SECRET_ARN_SUFFIX = '-AbCdEf';

type Json = unknown;

/**
 * Prepares template JSON for resolution: drops `{ Ref: 'AWS::NoValue' }` (CloudFormation removes it) and replaces
 * the literal account SST writes when synthesizing without credentials (`my-account`) with the simulated one.
 */
export function normalizeTemplate(value: Json): Json {
  if (typeof value === 'string') return value.replaceAll('my-account', SIMULATED_ACCOUNT);
  if (Array.isArray(value)) return value.filter((v) => !isNoValue(v)).map(normalizeTemplate);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => !isNoValue(v))
      .map(([k, v]) => [k, normalizeTemplate(v)]),
  );
}

function isNoValue(value: Json): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: unknown }).Ref === 'AWS::NoValue';
}

/** TemplateResolver, plus the `Ref` of a secret: its ARN (with AWS's random suffix), as CloudFormation returns. */
export class DeployResolver extends TemplateResolver {
  private readonly types: Map<string, string> | undefined;
  readonly templates: CfnTemplate[];

  constructor(templates: readonly CfnTemplate[], region: string) {
    const normalized = templates.map((t) => normalizeTemplate(t) as CfnTemplate);
    super(normalized, { accountId: SIMULATED_ACCOUNT, region });
    this.types = new Map(normalized.flatMap((t) => Object.entries(t.Resources ?? {}).map(([id, r]) => [id, r.Type])));
    this.templates = normalized;
  }

  override ref(logicalId: string): string {
    // Optional: TemplateResolver's constructor resolves export names before this class's fields exist.
    if (this.types?.get(logicalId) === 'AWS::SecretsManager::Secret') return this.arn(logicalId) + SECRET_ARN_SUFFIX;
    return super.ref(logicalId);
  }

  /**
   * The key policy of the KMS key a request's ARN names (`…:key/<key id>`, a replica's ARN in another Region included:
   * it holds the same policy), resolved; undefined for any other resource. KMS needs the key policy to allow a call
   * even in the key's own account (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
   */
  keyPolicyFor(resource: string): unknown {
    const keyId = /^arn:[^:]+:kms:[^:]*:[^:]*:key\/(.+)$/.exec(resource)?.[1];
    if (!keyId) return undefined;
    for (const [id, type] of this.types ?? []) {
      if (type === 'AWS::KMS::Key' && this.ref(id) === keyId) return this.properties(id).KeyPolicy;
    }
    return undefined;
  }

  /** The resource's properties with every intrinsic resolved. */
  properties(logicalId: string): Record<string, unknown> {
    for (const t of this.templates) {
      const r = t.Resources?.[logicalId];
      if (r) return this.resolve(r.Properties ?? {}) as Record<string, unknown>;
    }
    throw new Error(`no resource ${logicalId} in the app`);
  }
}

/** A policy document attached to a role, resolved, with where it came from. */
export interface AttachedPolicy {
  name: string;
  policy: { Version?: string; Statement: unknown[] };
}

/** Every identity policy a deploy attaches to the role `roleLogicalId`. */
export function rolePolicies(resolver: DeployResolver, roleLogicalId: string): AttachedPolicy[] {
  const policies: AttachedPolicy[] = [];
  const role = resolver.properties(roleLogicalId) as { Policies?: { PolicyName: string; PolicyDocument: never }[] };
  for (const inline of role.Policies ?? []) policies.push({ name: inline.PolicyName, policy: inline.PolicyDocument });
  const roleName = resolver.ref(roleLogicalId);
  for (const t of resolver.templates) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
      const props = resolver.properties(id) as { Roles?: string[]; PolicyDocument: AttachedPolicy['policy'] };
      if (props.Roles?.includes(roleName)) policies.push({ name: id, policy: props.PolicyDocument });
    }
  }
  return policies;
}

/** One request a function makes: an action on a resource, with the context keys the request carries. */
export interface SimulatedRequest {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/**
 * `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or `Error: …` when the simulator rejects the request.
 * AWS-owned resources with no account in their ARN (public SSM parameters) fail the simulator's ARN validation,
 * so those are evaluated without it: the policy match is the same, only the input check is skipped.
 */
export async function simulate(
  roleArn: string,
  policies: readonly AttachedPolicy[],
  request: SimulatedRequest,
  /** The resource's own policy, for services that need one even in the same account (a KMS key policy). */
  resourcePolicy?: unknown,
): Promise<string> {
  const simulation = {
    request: {
      principal: roleArn,
      action: request.action,
      resource: { resource: request.resource, accountId: SIMULATED_ACCOUNT },
      contextVariables: request.context ?? {},
    },
    identityPolicies: policies.map((p) => ({ name: p.name, policy: p.policy })),
    ...(resourcePolicy ? { resourcePolicy } : {}),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType !== 'error') return result.overallResult;
  if (/^arn:aws:[a-z0-9-]+:[a-z0-9-]*::/.test(request.resource)) {
    return runUnsafeSimulation(simulation, {});
  }
  return `Error: ${JSON.stringify(result.errors)}`;
}
