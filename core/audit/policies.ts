import { createHash } from 'node:crypto';

/**
 * Resource policies as the deployment set them, against what AWS holds: a topic's, a queue's, Goldsmith's event
 * bus's. The stacks write each door's policy, resolved, to a parameter under `resourcePoliciesPath(stage)`
 * (stacks/expected-policies.ts), so the audit compares with the deployment's own values (its roles' ARNs) without
 * carrying them in a function's environment.
 */

/** Where the stacks write the policies they set: under `/goldsmith/`, which the SCP keeps to Goldsmith's roles. */
export const resourcePoliciesPath = (stage: string) => `/goldsmith/_policies/${stage}/`;

export type PolicyKind = 'topic' | 'queue' | 'bus';

/** One door's expected policy, as its parameter holds it. */
export interface ExpectedPolicy {
  kind: PolicyKind;
  /** The topic's ARN, the queue's URL or the bus's name. */
  target: string;
  policy: { Version?: string; Statement: Record<string, unknown>[] };
}

/** Reads a parameter's value; a malformed one is refused naming the parameter and the field. */
export function expectedPolicyFrom(name: string, value: string): ExpectedPolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`${name}: not JSON`);
  }
  const p = parsed as Partial<ExpectedPolicy> | null;
  if (p?.kind !== 'topic' && p?.kind !== 'queue' && p?.kind !== 'bus') {
    throw new Error(`${name}: kind must be topic, queue or bus`);
  }
  if (typeof p.target !== 'string' || p.target === '') throw new Error(`${name}: target is missing`);
  if (!Array.isArray(p.policy?.Statement)) throw new Error(`${name}: policy.Statement must be a list`);
  return { kind: p.kind, target: p.target, policy: p.policy };
}

/** A value in a canonical form: keys sorted, a single value and a one-element list alike, lists sorted. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (items.length === 1) return items[0];
    return items.map((i) => JSON.stringify(i)).sort();
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

const sidOf = (s: Record<string, unknown>, i: number) => (typeof s.Sid === 'string' ? s.Sid : `#${i}`);

/** What differs, by statement `Sid`: statements missing, changed, or added by someone else. */
export interface PolicyDrift {
  /** AWS holds no policy (or one that is not JSON). */
  unreadable: boolean;
  missing: string[];
  changed: string[];
  extra: string[];
}

/**
 * Compares the held policy (the attribute's JSON, undefined when unset) with the expected one, statement by `Sid`.
 * Semantic: AWS may give a one-element list as a single value and reorder lists; neither is drift.
 */
export function policyDrift(held: string | undefined, expected: ExpectedPolicy['policy']): PolicyDrift {
  let statements: Record<string, unknown>[] = [];
  let unreadable = held === undefined || held === '';
  if (!unreadable) {
    try {
      const parsed = JSON.parse(held as string) as { Statement?: unknown };
      const s = parsed.Statement;
      statements = Array.isArray(s) ? s : s && typeof s === 'object' ? [s as Record<string, unknown>] : [];
    } catch {
      unreadable = true;
    }
  }
  const heldBySid = new Map(statements.map((s, i) => [sidOf(s, i), JSON.stringify(canonical(s))]));
  const wanted = new Map(expected.Statement.map((s, i) => [sidOf(s, i), JSON.stringify(canonical(s))]));
  const missing = [...wanted.keys()].filter((sid) => !heldBySid.has(sid));
  const changed = [...wanted.keys()].filter((sid) => heldBySid.has(sid) && heldBySid.get(sid) !== wanted.get(sid));
  const extra = [...heldBySid.keys()].filter((sid) => !wanted.has(sid));
  return { unreadable, missing, changed, extra };
}

export const hasPolicyDrift = (d: PolicyDrift) =>
  d.unreadable || d.missing.length > 0 || d.changed.length > 0 || d.extra.length > 0;

/** The drift as people read it, e.g. `statement PublishOnlyByGoldsmith changed; statement Open added`. */
export function describePolicyDrift(d: PolicyDrift): string {
  if (d.unreadable) return 'no policy';
  return [
    ...d.missing.map((s) => `statement ${s} removed`),
    ...d.changed.map((s) => `statement ${s} changed`),
    ...d.extra.map((s) => `statement ${s} added`),
  ].join('; ');
}

/** The drift record's sort key: the same change of the same door found again is the same record. */
export function policyDriftSk(kind: PolicyKind, target: string, d: PolicyDrift, now: Date): string {
  const change = createHash('sha256').update(JSON.stringify(d)).digest('hex').slice(0, 16);
  return `DRIFT#policy#${kind}#${target}#${now.toISOString().slice(0, 10)}#${change}`;
}
