/**
 * The part of IAM policy evaluation the local cloud needs for resource policies (ECR repository policies): Allow
 * and Deny statements, `Principal` `*` or account ids / root ARNs, `Action` with wildcards, and the string condition
 * operators with the `ForAnyValue:` / `ForAllValues:` set qualifiers, evaluated as
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * describe them. Anything else is refused loudly rather than guessed.
 */

/** The request context a principal brings: single-valued keys as strings, multivalued ones as arrays. */
export type RequestContext = Record<string, string | string[] | undefined>;

interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const BASE_OPERATORS = new Set(['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike']);

/** Why a policy cannot be evaluated by this fake (a construct it does not implement). */
export class UnsupportedPolicyError extends Error {
  constructor(what: string) {
    super(`the local cloud's policy evaluation does not support ${what}`);
    this.name = 'UnsupportedPolicyError';
  }
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

function matchesOne(base: string, value: string, policyValues: string[]): boolean {
  const like = base === 'StringLike' || base === 'StringNotLike';
  const hit = policyValues.some((p) => (like ? globToRegExp(p).test(value) : p === value));
  return base === 'StringNotEquals' || base === 'StringNotLike' ? !hit : hit;
}

/** One `operator: { key: values }` condition against the context. */
function conditionHolds(operator: string, key: string, policyValues: string[], context: RequestContext): boolean {
  const [qualifier, base] = operator.includes(':') ? operator.split(':', 2) : [undefined, operator];
  if (!base || !BASE_OPERATORS.has(base)) throw new UnsupportedPolicyError(`the condition operator ${operator}`);
  const raw = context[key];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const negated = base === 'StringNotEquals' || base === 'StringNotLike';
  if (qualifier === 'ForAnyValue') return values.some((v) => matchesOne(base, v, policyValues));
  if (qualifier === 'ForAllValues') return values.every((v) => matchesOne(base, v, policyValues));
  if (qualifier !== undefined) throw new UnsupportedPolicyError(`the set operator ${qualifier}`);
  // A single-valued key missing from the context: negated operators hold, the others do not.
  if (values.length === 0) return negated;
  return values.every((v) => matchesOne(base, v, policyValues));
}

function principalMatches(principal: unknown, account: string): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) throw new UnsupportedPolicyError('this Principal form');
  const aws = asList((principal as { AWS?: unknown }).AWS);
  return aws.some((p) => p === '*' || p === account || p === `arn:aws:iam::${account}:root`);
}

function actionMatches(action: unknown, wanted: string): boolean {
  return asList(action).some((a) => globToRegExp(a.toLowerCase()).test(wanted.toLowerCase()));
}

function statementApplies(s: Statement, account: string, action: string, context: RequestContext): boolean {
  if (s.NotAction !== undefined || s.NotPrincipal !== undefined)
    throw new UnsupportedPolicyError('NotAction/NotPrincipal');
  if (!principalMatches(s.Principal, account) || !actionMatches(s.Action, action)) return false;
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) {
      if (!conditionHolds(operator, key, asList(values), context)) return false;
    }
  }
  return true;
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
  const statements = asStatements(JSON.parse(policyText) as { Statement?: unknown });
  return actions.every((action) => {
    const applying = statements.filter((s) => statementApplies(s, account, action, context));
    return !applying.some((s) => s.Effect === 'Deny') && applying.some((s) => s.Effect === 'Allow');
  });
}

function asStatements(doc: { Statement?: unknown }): Statement[] {
  const s = doc.Statement;
  if (Array.isArray(s)) return s as Statement[];
  if (s && typeof s === 'object') return [s as Statement];
  return [];
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
