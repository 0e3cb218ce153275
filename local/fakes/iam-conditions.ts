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

/** The request context a principal brings: single-valued keys as strings, multivalued ones as arrays. */
export type RequestContext = Record<string, string | string[] | undefined>;

/** Who asks for what: the caller's account and (when it is not the account root) its principal ARN. */
export interface PolicyRequest {
  readonly account: string;
  /** A role or user ARN (a role session is matched as its role); absent: any principal of `account`. */
  readonly principalArn?: string;
  readonly action: string;
  readonly context: RequestContext;
}

/** One statement of a resource policy, as this evaluator reads it. */
export interface PolicyStatement {
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A policy document as JSON text or already parsed. */
export type PolicyInput = string | { Statement?: unknown };

const STRING_OPERATORS = new Set(['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike']);
const ARN_OPERATORS = new Set(['ArnEquals', 'ArnNotEquals', 'ArnLike', 'ArnNotLike']);

/** Why a policy cannot be evaluated by this fake (a construct it does not implement). */
export class UnsupportedPolicyError extends Error {
  constructor(what: string) {
    super(`the local cloud's policy evaluation does not support ${what}`);
    this.name = 'UnsupportedPolicyError';
  }
}

const compiled = new Map<string, RegExp>();

/** A policy wildcard pattern (`*`, `?`) as a regular expression; compiled once (audits evaluate it many times). */
function globToRegExp(pattern: string, flags = ''): RegExp {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, flags);
    compiled.set(key, re);
  }
  return re;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

/** `${key}` in a condition value is the request's single value for key; a missing key makes the value unmatchable. */
function substitute(value: string, context: RequestContext): string | undefined {
  let missing = false;
  const out = value.replace(/\$\{([^}]+)\}/g, (_m, key: string) => {
    const v = context[key];
    if (typeof v !== 'string') missing = true;
    return typeof v === 'string' ? v : '';
  });
  return missing ? undefined : out;
}

function matchesOne(base: string, value: string, policyValues: string[]): boolean {
  if (base === 'Bool') return policyValues.some((p) => p.toLowerCase() === value.toLowerCase());
  const like = /Like$/.test(base) || ARN_OPERATORS.has(base);
  const hit = policyValues.some((p) => (like ? globToRegExp(p).test(value) : p === value));
  return /Not/.test(base) ? !hit : hit;
}

/** One `operator: { key: values }` condition against the context. */
function conditionHolds(operator: string, key: string, rawValues: string[], context: RequestContext): boolean {
  const [qualifier, base] = operator.includes(':') ? operator.split(':', 2) : [undefined, operator];
  if (!base || !(STRING_OPERATORS.has(base) || ARN_OPERATORS.has(base) || base === 'Bool'))
    throw new UnsupportedPolicyError(`the condition operator ${operator}`);
  const policyValues = rawValues.map((v) => substitute(v, context)).filter((v): v is string => v !== undefined);
  const raw = context[key];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const negated = /Not/.test(base);
  if (qualifier === 'ForAnyValue') return values.some((v) => matchesOne(base, v, policyValues));
  if (qualifier === 'ForAllValues') return values.every((v) => matchesOne(base, v, policyValues));
  if (qualifier !== undefined) throw new UnsupportedPolicyError(`the set operator ${qualifier}`);
  // A single-valued key missing from the context: negated operators hold, the others do not.
  if (values.length === 0) return negated;
  return values.every((v) => matchesOne(base, v, policyValues));
}

const SESSION = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

function principalMatches(principal: unknown, request: PolicyRequest): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) throw new UnsupportedPolicyError('this Principal form');
  const session = request.principalArn ? SESSION.exec(request.principalArn) : null;
  const arn = session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : request.principalArn;
  const aws = asList((principal as { AWS?: unknown }).AWS);
  return aws.some(
    (p) =>
      p === '*' ||
      p === request.account ||
      /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(p)?.[1] === request.account ||
      (arn !== undefined && p === arn),
  );
}

function actionMatches(action: unknown, wanted: string): boolean {
  return asList(action).some((a) => globToRegExp(a, 'i').test(wanted));
}

function statementApplies(s: PolicyStatement, request: PolicyRequest): boolean {
  if (s.NotAction !== undefined || s.NotPrincipal !== undefined)
    throw new UnsupportedPolicyError('NotAction/NotPrincipal');
  if (!principalMatches(s.Principal, request) || !actionMatches(s.Action, request.action)) return false;
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) {
      if (!conditionHolds(operator, key, asList(values), request.context)) return false;
    }
  }
  return true;
}

function asStatements(doc: { Statement?: unknown }): PolicyStatement[] {
  const s = doc.Statement;
  if (Array.isArray(s)) return s as PolicyStatement[];
  if (s && typeof s === 'object') return [s as PolicyStatement];
  return [];
}

/** The statements of a policy given as text or as a document. */
export function statementsOf(policy: PolicyInput): PolicyStatement[] {
  return asStatements(typeof policy === 'string' ? (JSON.parse(policy) as { Statement?: unknown }) : policy);
}

/** The resource policy's own decision for one request: an explicit Deny wins, otherwise some Allow must match. */
export function policyDecision(policy: PolicyInput, request: PolicyRequest): 'Allowed' | 'Denied' | 'NotAllowed' {
  const applying = statementsOf(policy).filter((s) => statementApplies(s, request));
  if (applying.some((s) => s.Effect === 'Deny')) return 'Denied';
  return applying.some((s) => s.Effect === 'Allow') ? 'Allowed' : 'NotAllowed';
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
  const statements = statementsOf(policyText);
  return actions.every(
    (action) => policyDecision({ Statement: statements }, { account, action, context }) === 'Allowed',
  );
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
