/**
 * The part of IAM policy evaluation the local cloud needs for resource policies (ECR repository policies, KMS key
 * policies): Allow and Deny statements, `Principal` `*`, account ids, root ARNs or principal ARNs, `Action` with
 * wildcards, the string, ARN and Bool condition operators with the `ForAnyValue:` / `ForAllValues:` set qualifiers,
 * and policy variables (`${aws:PrincipalAccount}`) in condition values, evaluated as
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html describe them. Anything
 * else is refused loudly rather than guessed.
 */

import {
  type CompiledStatement,
  compileStatement,
  type PolicyStatement,
  prepareRequest,
  type RequestContext,
} from './iam-compile.js';

export { type PolicyStatement, type RequestContext, UnsupportedPolicyError } from './iam-compile.js';

/** Who asks for what: the caller's account and (when it is not the account root) its principal ARN. */
export interface PolicyRequest {
  readonly account: string;
  /** A role or user ARN (a role session is matched as its role); absent: any principal of `account`. */
  readonly principalArn?: string;
  readonly action: string;
  readonly context: RequestContext;
}

/** A policy document as JSON text or already parsed. */
export type PolicyInput = string | { Statement?: unknown };

/** The resource policy's own answer to one request. */
export type PolicyDecision = 'Allowed' | 'Denied' | 'NotAllowed';

function asStatements(doc: { Statement?: unknown }): PolicyStatement[] {
  const s = doc.Statement;
  if (Array.isArray(s)) return s as PolicyStatement[];
  if (s && typeof s === 'object') return [s as PolicyStatement];
  return [];
}

/** A policy's statements, compiled once to answer many requests. */
export class CompiledPolicy {
  private readonly compiled: readonly CompiledStatement[];

  constructor(readonly statements: readonly PolicyStatement[]) {
    this.compiled = statements.map(compileStatement);
  }

  /**
   * The decision for one request: an explicit Deny wins, otherwise some Allow must match. Every statement is
   * evaluated (a construct this evaluator does not support fails wherever it is). `only` restricts the policy to
   * the statements it accepts.
   */
  decision(request: PolicyRequest, only?: (statement: PolicyStatement) => boolean): PolicyDecision {
    const prepared = prepareRequest(request);
    let allowed = false;
    let denied = false;
    for (const s of this.compiled) {
      if ((only && !only(s.source)) || !s.applies(prepared)) continue;
      if (s.effect === 'Deny') denied = true;
      else if (s.effect === 'Allow') allowed = true;
    }
    return denied ? 'Denied' : allowed ? 'Allowed' : 'NotAllowed';
  }
}

/** Policy texts seen most recently, parsed and compiled: the audits ask the same few policies over and over. */
const byText = new Map<string, CompiledPolicy>();
const MAX_POLICY_TEXTS = 1024;

/** Parsed statements are shared by every caller of the same text: nobody may change them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * A policy compiled: JSON text is parsed and compiled once (the statements frozen, shared by every caller of the
 * same text); a document is compiled as it is now.
 */
export function compilePolicy(policy: PolicyInput): CompiledPolicy {
  if (typeof policy !== 'string') return new CompiledPolicy(asStatements(policy));
  let known = byText.get(policy);
  if (!known) {
    known = new CompiledPolicy(deepFreeze(asStatements(JSON.parse(policy) as { Statement?: unknown })));
    if (byText.size >= MAX_POLICY_TEXTS) byText.delete(byText.keys().next().value as string);
    byText.set(policy, known);
  }
  return known;
}

/** The statements of a policy given as text (parsed once, read-only) or as a document. */
export function statementsOf(policy: PolicyInput): readonly PolicyStatement[] {
  return compilePolicy(policy).statements;
}

/** The resource policy's own decision for one request: an explicit Deny wins, otherwise some Allow must match. */
export function policyDecision(policy: PolicyInput, request: PolicyRequest): PolicyDecision {
  return compilePolicy(policy).decision(request);
}

/**
 * Whether a resource policy alone lets `account` perform every one of `actions` (cross-account: the caller's own
 * IAM policy is assumed to allow it). An explicit Deny wins; otherwise some Allow must match each action.
 */
export function resourcePolicyAllows(
  policyText: string | undefined,
  account: string,
  actions: readonly string[],
  context: RequestContext,
): boolean {
  if (!policyText) return false;
  const policy = compilePolicy(policyText);
  return actions.every((action) => policy.decision({ account, action, context }) === 'Allowed');
}

/** A policy document's shape problems, as ECR's SetRepositoryPolicy would refuse them; empty when acceptable. */
export function policyProblems(policyText: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(policyText);
  } catch {
    return ['the policy is not valid JSON'];
  }
  if (typeof doc !== 'object' || doc === null) return ['the policy must be a JSON object'];
  const statements = asStatements(doc as { Statement?: unknown });
  if (statements.length === 0) return ['the policy has no Statement'];
  const problems: string[] = [];
  statements.forEach((s, i) => {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') problems.push(`Statement[${i}].Effect must be Allow or Deny`);
    if (s.Principal === undefined && s.NotPrincipal === undefined) problems.push(`Statement[${i}] has no Principal`);
    if (s.Action === undefined && s.NotAction === undefined) problems.push(`Statement[${i}] has no Action`);
  });
  return problems;
}
