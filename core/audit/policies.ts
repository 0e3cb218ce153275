import { createHash } from 'node:crypto';
import { normalisePrincipals } from './principals.js';

/**
 * Resource policies as the deployment set them, against what AWS holds: a topic's, a queue's, Goldsmith's event
 * bus's. The stacks write each door's policy, resolved, to a parameter under `resourcePoliciesPath(stage)`
 * (stacks/expected-policies.ts), so the audit compares with the deployment's own values (its roles' ARNs) without
 * carrying them in a function's environment.
 */

/** Where the stacks write the policies they set: under `/goldsmith/`, which the SCP keeps to Goldsmith's roles. */
export const resourcePoliciesPath = (stage: string) => `/goldsmith/_policies/${stage}/`;

export type PolicyKind = 'topic' | 'queue' | 'bus';

/** A door's expected-policy parameter, by its name under `resourcePoliciesPath(stage)`: `<kind>/<construct id>`. */
export interface DoorEntry {
  kind: PolicyKind;
  /** The name under the path, e.g. `topic/prodgoldsmithNotificationsTopicAB12CD34`. */
  entry: string;
}

const ENTRY = /^(topic|queue|bus)\/[A-Za-z0-9]+$/;

/**
 * The deployment's inventory of doors (`EXPECTED_POLICIES`, written by the stacks: the names, under the path, of every
 * expected-policy parameter they write, comma-separated). A malformed one is refused naming the variable and the
 * entry; an empty one lists no door.
 */
export function doorInventory(value: string | undefined, variable = 'EXPECTED_POLICIES'): DoorEntry[] {
  if (value === undefined) throw new Error(`${variable} is not set`);
  if (value.trim() === '') return [];
  return value.split(',').map((raw) => {
    const entry = raw.trim();
    const kind = ENTRY.exec(entry)?.[1];
    if (kind !== 'topic' && kind !== 'queue' && kind !== 'bus') {
      throw new Error(`${variable}: "${entry}" is not <topic|queue|bus>/<id>`);
    }
    return { kind, entry };
  });
}

/** The doors of the inventory whose parameter is not among `found` (full parameter names) under the stage's path. */
export function missingDoors(inventory: readonly DoorEntry[], found: readonly string[], stage: string): DoorEntry[] {
  const held = new Set(found);
  return inventory.filter((d) => !held.has(`${resourcePoliciesPath(stage)}${d.entry}`));
}

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

/** A statement's key: its `Sid`, or `(no Sid)` (IAM does not require one, so AWS holds such statements as they are). */
const NO_SID = '(no Sid)';
const sidOf = (s: Record<string, unknown>) => (typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : NO_SID);

/** The statements by key, each key's statements in canonical form, sorted: a multiset per key. */
function bySid(statements: readonly Record<string, unknown>[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of statements) {
    const key = sidOf(s);
    out.set(key, [...(out.get(key) ?? []), JSON.stringify(canonical(s))]);
  }
  for (const list of out.values()) list.sort();
  return out;
}

/** What differs, by statement `Sid`: statements missing, changed, or added by someone else. */
export interface PolicyDrift {
  /** AWS holds no policy (or one that is not JSON). */
  unreadable: boolean;
  missing: string[];
  changed: string[];
  extra: string[];
  /** Sids AWS holds more often than the deployment set them (a second statement under a Sid the deployment uses). */
  repeated?: string[];
}

/**
 * Compares the held policy (the attribute's JSON, undefined when unset) with the expected one: for each `Sid` (and
 * the statements without one, together), the multiset of statements. A statement added under a `Sid` the deployment
 * uses, before or after the deployment's, is drift (`repeated`), as is one without a `Sid` the deployment did not
 * set: a `Sid` is optional, "just a sub-ID of the policy document ID" in SQS and SNS, whose own rules on uniqueness
 * apply (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html), and every statement
 * counts whatever its `Sid`, so the audit relies on none being unique.
 * Semantic: AWS may give a one-element list as a single value and reorder lists and statements, give an account as
 * its root ARN or a deleted role as its unique id (core/audit/principals.ts); none is drift.
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
  // Principals as AWS returns them (an account's root ARN, a deleted role's unique id): core/audit/principals.ts.
  const principals = normalisePrincipals(statements, expected.Statement, sidOf);
  const heldBySid = bySid(principals.held);
  const wanted = bySid(principals.expected);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const missing = [...wanted.keys()].filter((sid) => !heldBySid.has(sid));
  const both = [...wanted.keys()].filter((sid) => heldBySid.has(sid));
  const more = (sid: string) => (heldBySid.get(sid)?.length ?? 0) > (wanted.get(sid)?.length ?? 0);
  const repeated = both.filter(more);
  const changed = both.filter((sid) => !more(sid) && !same(heldBySid.get(sid) ?? [], wanted.get(sid) ?? []));
  const extra = [...heldBySid.keys()].filter((sid) => !wanted.has(sid));
  return { unreadable, missing, changed, extra, ...(repeated.length > 0 ? { repeated } : {}) };
}

export const hasPolicyDrift = (d: PolicyDrift) =>
  d.unreadable || d.missing.length > 0 || d.changed.length > 0 || d.extra.length > 0 || (d.repeated ?? []).length > 0;

/** The drift as people read it, e.g. `statement PublishOnlyByGoldsmith changed; statement Open added`. */
export function describePolicyDrift(d: PolicyDrift): string {
  if (d.unreadable) return 'no policy';
  return [
    ...d.missing.map((s) => `statement ${s} removed`),
    ...d.changed.map((s) => `statement ${s} changed`),
    ...(d.repeated ?? []).map((s) => `statement ${s} repeated`),
    ...d.extra.map((s) => `statement ${s} added`),
  ].join('; ');
}

/** The drift record's sort key: the same change of the same door found again is the same record. */
export function policyDriftSk(kind: PolicyKind, target: string, d: PolicyDrift, now: Date): string {
  const change = createHash('sha256').update(JSON.stringify(d)).digest('hex').slice(0, 16);
  return `DRIFT#policy#${kind}#${target}#${now.toISOString().slice(0, 10)}#${change}`;
}
