/**
 * The values of policy statements as patterns (for iam-compile.ts): wildcards (`*`, `?`) as regular expressions made
 * once, and condition values with policy variables (`${aws:PrincipalAccount}`) substituted for each request
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
 */

/** The request context a principal brings: single-valued keys as strings, multivalued ones as arrays. */
export type RequestContext = Record<string, string | string[] | undefined>;

const VARIABLE = /\$\{([^}]+)\}/g;

const compiled = new Map<string, RegExp>();
/** Condition values with policy variables make one pattern per caller: the regular expressions kept are bounded. */
const MAX_COMPILED_PATTERNS = 4096;

/** A policy wildcard pattern (`*`, `?`) as a regular expression; compiled once (audits evaluate it many times). */
export function globToRegExp(pattern: string, flags = ''): RegExp {
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

/** A condition value as literal text and `${key}` policy variables, alternating (text first and last). */
export interface Template {
  readonly parts: readonly string[];
}

export function template(value: string): Template {
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
export function substitute({ parts }: Template, context: RequestContext): string | undefined {
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const v = context[parts[i]!];
    if (typeof v !== 'string') return undefined;
    out += v + parts[i + 1]!;
  }
  return out;
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
export function likeTemplate({
  parts,
}: Template): (context: RequestContext) => ((value: string) => boolean) | undefined {
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
export function anyLike(
  tests: readonly ((context: RequestContext) => ((value: string) => boolean) | undefined)[],
  context: RequestContext,
): (value: string) => boolean {
  const matchers = tests.map((t) => t(context)).filter((m): m is (value: string) => boolean => m !== undefined);
  return (value) => matchers.some((m) => m(value));
}
