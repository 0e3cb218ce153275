/**
 * Policy statements compiled once into tests (see iam-conditions.ts for what is evaluated and how): wildcards
 * become regular expressions, principal lists become sets, condition values without policy variables are resolved
 * ahead of time. The audits ask the same key and repository policies hundreds of thousands of times. Anything this
 * evaluator does not implement still fails where the statement-by-statement evaluation would fail: when a request
 * reaches that part of the statement, not when the policy is compiled.
 */

import { anyLike, globToRegExp, likeTemplate, type RequestContext, substitute, template } from './iam-patterns.js';

export type { RequestContext } from './iam-patterns.js';

/** One statement of a resource policy, as this evaluator reads it. */
export interface PolicyStatement {
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Why a policy cannot be evaluated by this fake (a construct it does not implement). */
export class UnsupportedPolicyError extends Error {
  constructor(what: string) {
    super(`the local cloud's policy evaluation does not support ${what}`);
    this.name = 'UnsupportedPolicyError';
  }
}

/** A request as compiled statements test it: a role session's principal is its role, resolved once per request. */
export interface PreparedRequest {
  readonly account: string;
  readonly arn: string | undefined;
  readonly action: string;
  readonly context: RequestContext;
}

/** A statement ready to test requests. */
export interface CompiledStatement {
  readonly source: PolicyStatement;
  readonly effect: unknown;
  applies(request: PreparedRequest): boolean;
}

type ContextTest = (context: RequestContext) => boolean;

const STRING_OPERATORS = new Set(['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike']);
const ARN_OPERATORS = new Set(['ArnEquals', 'ArnNotEquals', 'ArnLike', 'ArnNotLike']);
const SESSION = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;
const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

/** Resolves who a request's principal is once; statements compare it against their principals. */
export function prepareRequest(request: {
  account: string;
  principalArn?: string;
  action: string;
  context: RequestContext;
}): PreparedRequest {
  const session = request.principalArn ? SESSION.exec(request.principalArn) : null;
  const arn = session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : request.principalArn;
  return { account: request.account, arn, action: request.action, context: request.context };
}

const refuse = (what: string) => (): never => {
  throw new UnsupportedPolicyError(what);
};

/** Whether a request value matches one of the policy values, before a `Not` operator negates it. */
function hitTest(base: string, policyValues: readonly string[]): (value: string) => boolean {
  if (base === 'Bool') {
    const lower = new Set(policyValues.map((p) => p.toLowerCase()));
    return (value) => lower.size > 0 && lower.has(value.toLowerCase());
  }
  if (base.endsWith('Like') || ARN_OPERATORS.has(base)) {
    const patterns = policyValues.map((p) => globToRegExp(p));
    return (value) => patterns.some((re) => re.test(value));
  }
  const exact = new Set(policyValues);
  return (value) => exact.has(value);
}

/** One `operator: { key: values }` condition, as a test of the request context. */
function compileCondition(operator: string, key: string, rawValues: string[]): ContextTest {
  const [qualifier, base] = operator.includes(':') ? operator.split(':', 2) : [undefined, operator];
  if (!base || !(STRING_OPERATORS.has(base) || ARN_OPERATORS.has(base) || base === 'Bool'))
    return refuse(`the condition operator ${operator}`);
  if (qualifier !== undefined && qualifier !== 'ForAnyValue' && qualifier !== 'ForAllValues')
    return refuse(`the set operator ${qualifier}`);
  const negated = base.includes('Not');
  const templates = rawValues.map(template);
  const fixed = templates.every((t) => t.parts.length === 1) ? hitTest(base, rawValues) : undefined;
  const like = base.endsWith('Like') || ARN_OPERATORS.has(base);
  const likeTests = !fixed && like ? templates.map(likeTemplate) : undefined;
  return (context) => {
    const hit =
      fixed ??
      (likeTests ? anyLike(likeTests, context) : undefined) ??
      hitTest(
        base,
        templates.map((t) => substitute(t, context)).filter((v): v is string => v !== undefined),
      );
    const raw = context[key];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (qualifier === 'ForAnyValue') return values.some((v) => hit(v) !== negated);
    // A single-valued key missing from the context: negated operators hold, the others do not.
    if (qualifier === undefined && values.length === 0) return negated;
    return values.every((v) => hit(v) !== negated);
  };
}

/** The conditions in document order; a block that is no object fails when a request reaches it, as before. */
function compileConditions(condition: unknown): ContextTest[] {
  const tests: ContextTest[] = [];
  for (const [operator, block] of Object.entries(condition ?? {})) {
    let entries: [string, unknown][];
    try {
      entries = Object.entries(block as object);
    } catch (error) {
      tests.push(() => {
        throw error;
      });
      break;
    }
    for (const [key, values] of entries) tests.push(compileCondition(operator, key, asList(values)));
  }
  return tests;
}

function compilePrincipal(principal: unknown): (request: PreparedRequest) => boolean {
  if (principal === '*') return () => true;
  if (typeof principal !== 'object' || principal === null) return refuse('this Principal form');
  const aws = asList((principal as { AWS?: unknown }).AWS);
  if (aws.includes('*')) return () => true;
  const named = new Set(aws);
  const roots = new Set(aws.map((p) => ROOT.exec(p)?.[1]).filter((a): a is string => a !== undefined));
  return (r) => named.has(r.account) || roots.has(r.account) || (r.arn !== undefined && named.has(r.arn));
}

/** A statement as a test of requests: NotAction/NotPrincipal refused, then Principal, Action, every condition. */
export function compileStatement(source: PolicyStatement): CompiledStatement {
  if (source === null || source === undefined) {
    return {
      source,
      effect: undefined,
      applies: () => {
        throw new TypeError(`Cannot read properties of ${source} (reading 'NotAction')`);
      },
    };
  }
  const unsupported = source.NotAction !== undefined || source.NotPrincipal !== undefined;
  const principal = compilePrincipal(source.Principal);
  const actions = asList(source.Action).map((a) => globToRegExp(a, 'i'));
  const conditions = compileConditions(source.Condition);
  return {
    source,
    effect: source.Effect,
    applies(request) {
      if (unsupported) throw new UnsupportedPolicyError('NotAction/NotPrincipal');
      if (!principal(request) || !actions.some((re) => re.test(request.action))) return false;
      for (const holds of conditions) if (!holds(request.context)) return false;
      return true;
    },
  };
}
