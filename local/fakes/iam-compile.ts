/**
 * Policy statements compiled once into tests (see iam-conditions.ts for what is evaluated and how): wildcards
 * become regular expressions, principal lists become sets, condition values without policy variables are resolved
 * ahead of time. The audits ask the same key and repository policies hundreds of thousands of times. Anything this
 * evaluator does not implement still fails where the statement-by-statement evaluation would fail: when a request
 * reaches that part of the statement, not when the policy is compiled.
 */

/** The request context a principal brings: single-valued keys as strings, multivalued ones as arrays. */
export type RequestContext = Record<string, string | string[] | undefined>;

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
const VARIABLE = /\$\{([^}]+)\}/g;

const compiled = new Map<string, RegExp>();
/** Condition values with policy variables make one pattern per caller: the regular expressions kept are bounded. */
const MAX_COMPILED_PATTERNS = 4096;

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
    if (compiled.size >= MAX_COMPILED_PATTERNS) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

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

/** A condition value as literal text and `${key}` policy variables, alternating (text first and last). */
interface Template {
  readonly parts: readonly string[];
}

function template(value: string): Template {
  const parts: string[] = [];
  let last = 0;
  for (const m of value.matchAll(VARIABLE)) {
    parts.push(value.slice(last, m.index), m[1]!);
    last = m.index + m[0].length;
  }
  parts.push(value.slice(last));
  return { parts };
}

/** `${key}` in a condition value is the request's single value for key; a missing key makes the value unmatchable. */
function substitute({ parts }: Template, context: RequestContext): string | undefined {
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const v = context[parts[i]!];
    if (typeof v !== 'string') return undefined;
    out += v + parts[i + 1]!;
  }
  return out;
}

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

const WILDCARD = /[*?]/;

/**
 * A `Like` (or ARN) value with policy variables as a test made once: when no text before its last variable holds a
 * wildcard, the substituted value is fixed text up to that variable's end, then the last text as a pattern. A
 * request value matches when it starts with that fixed text and the pattern matches the rest: the same answer as the
 * whole substituted value's pattern, without a regular expression per caller (a key policy naming
 * `${aws:PrincipalAccount}` is asked by every member account). A substituted value holding a wildcard, or a template
 * with a wildcard before a variable, takes the whole pattern. Undefined when a variable is missing from the context.
 */
function likeTemplate({ parts }: Template): (context: RequestContext) => ((value: string) => boolean) | undefined {
  const last = parts.length - 1;
  if (last === 0) {
    const re = globToRegExp(parts[0]!);
    const test = (value: string) => re.test(value);
    return () => test;
  }
  const fixedHead = parts.every((p, i) => i % 2 === 1 || i === last || !WILDCARD.test(p));
  const tail = fixedHead ? globToRegExp(parts[last]!) : undefined;
  return (context) => {
    let head = parts[0]!;
    let literal = tail !== undefined;
    for (let i = 1; i < last; i += 2) {
      const v = context[parts[i]!];
      if (typeof v !== 'string') return undefined;
      if (!literal) continue;
      literal = !WILDCARD.test(v);
      head += i + 1 < last ? v + parts[i + 1]! : v;
    }
    if (literal && tail) return (value) => value.startsWith(head) && tail.test(value.slice(head.length));
    const re = globToRegExp(substitute({ parts }, context) ?? '');
    return (value) => re.test(value);
  };
}

/** Whether a value matches one of the `Like` values, each substituted for the request (likeTemplate). */
function anyLike(
  tests: readonly ((context: RequestContext) => ((value: string) => boolean) | undefined)[],
  context: RequestContext,
): (value: string) => boolean {
  const matchers = tests.map((t) => t(context)).filter((m): m is (value: string) => boolean => m !== undefined);
  return (value) => matchers.some((m) => m(value));
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
