/**
 * Whether a service control policy's Deny statements refuse one request (pure): the request's action, resource and
 * context keys matched against each statement's `Action`/`NotAction`, `Resource`/`NotResource` and `Condition`, as IAM
 * evaluates them (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
 * every operator of a statement and every key under it must hold; a key's values are ORed; a key absent from the
 * request makes a condition false, except that a negated operator (`StringNotLike`, `ArnNotLike`, …) is then true,
 * `…IfExists` is then true and `Null` tests the absence itself; `ForAnyValue:` needs one request value to match,
 * `ForAllValues:` every one (true when the key is absent). An operator this module does not know makes its statement
 * count as not denying: preflight says what it could not confirm rather than guess.
 */
import { wildcardMatch } from './policies.js';

/** A request as the SCP sees it: who, what, on which resource, with which context keys. */
export interface ScpRequest {
  action: string;
  resource: string;
  /** Context keys (`aws:PrincipalArn`, `aws:TagKeys`, `aws:ResourceTag/…`); a list for a multivalued key. */
  context: Readonly<Record<string, string | readonly string[]>>;
}

export interface ScpStatement {
  Sid?: unknown;
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

const list = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : []);

/** The statements of a policy document's JSON (none when it is not JSON). */
export function scpStatements(content: string): ScpStatement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return [];
  }
  const s = (doc as { Statement?: unknown } | null)?.Statement;
  return (Array.isArray(s) ? s : s && typeof s === 'object' ? [s] : []) as ScpStatement[];
}

type Compare = (policyValue: string, requestValue: string) => boolean;

/** The base operators, by name; `negated` ones hold when no value matches. */
const OPERATORS: Record<string, { compare: Compare; negated: boolean }> = {
  StringEquals: { compare: (p, v) => p === v, negated: false },
  StringNotEquals: { compare: (p, v) => p === v, negated: true },
  StringEqualsIgnoreCase: { compare: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
  StringLike: { compare: (p, v) => wildcardMatch(p, v), negated: false },
  StringNotLike: { compare: (p, v) => wildcardMatch(p, v), negated: true },
  ArnEquals: { compare: (p, v) => wildcardMatch(p, v), negated: false },
  ArnLike: { compare: (p, v) => wildcardMatch(p, v), negated: false },
  ArnNotEquals: { compare: (p, v) => wildcardMatch(p, v), negated: true },
  ArnNotLike: { compare: (p, v) => wildcardMatch(p, v), negated: true },
  Bool: { compare: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
};

/** One operator on one key: true, false, or undefined when the operator is not one this module evaluates. */
function holds(operatorName: string, key: string, policyValues: string[], request: ScpRequest): boolean | undefined {
  const present = Object.hasOwn(request.context, key);
  const raw = request.context[key];
  const values = raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...raw];
  if (operatorName === 'Null') {
    const wantsAbsent = policyValues.some((p) => p.toLowerCase() === 'true');
    return wantsAbsent ? !present : present;
  }
  const [qualifier, rest] = operatorName.includes(':') ? operatorName.split(':', 2) : [undefined, operatorName];
  const ifExists = (rest ?? '').endsWith('IfExists');
  const base = OPERATORS[(rest ?? '').replace(/IfExists$/, '')];
  if (!base || (qualifier !== undefined && qualifier !== 'ForAnyValue' && qualifier !== 'ForAllValues')) {
    return undefined;
  }
  if (!present) return ifExists || base.negated || qualifier === 'ForAllValues';
  const matchOne = (v: string) => {
    const any = policyValues.some((p) => base.compare(p, v));
    return base.negated ? !any : any;
  };
  if (qualifier === 'ForAllValues') return values.every(matchOne);
  return values.some(matchOne);
}

/** Whether every condition of `s` holds for `request` (undefined: one could not be evaluated). */
function conditionsHold(s: ScpStatement, request: ScpRequest): boolean | undefined {
  if (s.Condition === undefined) return true;
  if (typeof s.Condition !== 'object' || s.Condition === null) return undefined;
  let all = true;
  for (const [operatorName, keys] of Object.entries(s.Condition as Record<string, unknown>)) {
    if (typeof keys !== 'object' || keys === null) return undefined;
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      const result = holds(operatorName, key, list(value), request);
      if (result === undefined) return undefined;
      all &&= result;
    }
  }
  return all;
}

const actionMatches = (s: ScpStatement, action: string) =>
  s.Action !== undefined
    ? list(s.Action).some((p) => wildcardMatch(p, action, true))
    : s.NotAction !== undefined && !list(s.NotAction).some((p) => wildcardMatch(p, action, true));

const resourceMatches = (s: ScpStatement, resource: string) =>
  s.Resource !== undefined
    ? list(s.Resource).some((p) => wildcardMatch(p, resource))
    : s.NotResource !== undefined && !list(s.NotResource).some((p) => wildcardMatch(p, resource));

/** The Sid (or position) of the first Deny statement among `statements` that refuses `request`, if any. */
export function denyingStatement(statements: readonly ScpStatement[], request: ScpRequest): string | undefined {
  for (const [i, s] of statements.entries()) {
    if (s.Effect !== 'Deny') continue;
    if (!actionMatches(s, request.action) || !resourceMatches(s, request.resource)) continue;
    if (conditionsHold(s, request) === true) return typeof s.Sid === 'string' ? s.Sid : `statement ${i + 1}`;
  }
  return undefined;
}
