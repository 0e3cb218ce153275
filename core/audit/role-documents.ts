import { normalisePrincipals } from './principals.js';

/**
 * IAM policy documents as the roles' audit compares them (core/audit/roles.ts): read from their JSON, each statement
 * in one canonical form, the statements one document has and another lacks, and a document split into parts.
 */

export type Statement = Record<string, unknown>;

export interface PolicyDocument {
  Version?: string | undefined;
  Statement: Statement[];
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
export const strings = (v: unknown) => asList(v).map(String);

/** A policy document's JSON (IAM's answer, decoded), read; a malformed one names `what`. */
export function policyDocumentFrom(what: string, value: unknown): PolicyDocument {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`${what}: not JSON`);
    }
  }
  const doc = obj(parsed);
  if (doc.Statement === undefined) throw new Error(`${what}: Statement is missing`);
  return { Version: str(doc.Version), Statement: asList(doc.Statement).map(obj) };
}

/**
 * `list`'s strings, each once, in `sort()`'s order (UTF-16 code units, as `<` compares strings). A list already in
 * that order with no repeat, as the deployment writes most of them, is answered as it is: a de-duplicated, sorted
 * copy of every list of every statement was most of the 602 MB the statements' comparison allocated in the default
 * quarter's simulation (143 MB with this).
 */
function sortedUnique(list: readonly string[]): readonly string[] {
  for (let i = 1; i < list.length; i++) {
    if (!((list[i - 1] as string) < (list[i] as string))) return [...new Set(list)].sort();
  }
  return list;
}

/** `v` as a list of strings ({@link strings}), without a copy when it is one already. */
function stringList(v: unknown): readonly string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return strings(v);
}

/** Actions in lower case, the list itself when each one is already. */
function lowerCased(list: readonly string[]): readonly string[] {
  let out: string[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as string;
    const lower = a.toLowerCase();
    if (lower !== a && !out) out = list.slice(0, i);
    out?.push(lower);
  }
  return out ?? list;
}

/** `keys` in `order`, sorted only when they are not already. */
function inOrder(keys: string[], order: (a: string, b: string) => number): string[] {
  for (let i = 1; i < keys.length; i++) {
    if (order(keys[i - 1] as string, keys[i] as string) > 0) return keys.sort(order);
  }
  return keys;
}

const byLocale = (a: string, b: string) => a.localeCompare(b);
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An object of `entries`' keys in their locale order, each value canonicalised by `value`. */
function sortedObject(entries: Record<string, unknown>, value: (v: unknown) => unknown): Record<string, unknown> {
  // No prototype: every key an own property, `__proto__` too, as `Object.fromEntries` makes them.
  const out: Record<string, unknown> = Object.create(null);
  for (const k of inOrder(Object.keys(entries), byLocale)) out[k] = value(entries[k]);
  return out;
}

const stringSet = (v: unknown) => sortedUnique(stringList(v));

/** A principal element with each kind's principals as a sorted list (`*` as it is). */
function canonicalPrincipal(p: unknown): unknown {
  return typeof p === 'string' ? p : sortedObject(obj(p), stringSet);
}

/** A condition block with its operators, keys and values in one order, each value a list. */
function canonicalCondition(c: unknown): unknown {
  return sortedObject(obj(c), (keys) => sortedObject(obj(keys), stringSet));
}

/**
 * A statement in one form, so that two that mean the same compare equal: its elements in one order, `Action` /
 * `Resource` (and their `Not` forms) as sorted lists whatever the document wrote (a string or a list of one), actions
 * in lower case ("action names are case insensitive",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
 */
export function canonicalStatement(s: Statement): string {
  const out: Record<string, unknown> = {};
  for (const key of inOrder(Object.keys(s), byCodeUnits)) {
    const v = s[key];
    if (key === 'Action' || key === 'NotAction') out[key] = sortedUnique(lowerCased(stringList(v)));
    else if (key === 'Resource' || key === 'NotResource') out[key] = stringSet(v);
    else if (key === 'Principal' || key === 'NotPrincipal') out[key] = canonicalPrincipal(v);
    else if (key === 'Condition') out[key] = canonicalCondition(v);
    else out[key] = v;
  }
  return JSON.stringify(out);
}

/** A statement as people read it: `Allow s3:GetObject, s3:PutObject on arn:…` (or its principals for a trust policy). */
export function describe(s: Statement): string {
  const actions = strings(s.Action ?? s.NotAction).join(', ') || '(no action)';
  const not = s.NotAction !== undefined ? 'all but ' : '';
  const on = strings(s.Resource ?? s.NotResource);
  const who = s.Principal !== undefined ? ` to ${JSON.stringify(s.Principal)}` : '';
  return `${String(s.Effect ?? 'Allow')} ${not}${actions}${on.length > 0 ? ` on ${on.join(', ')}` : ''}${who}`;
}

const sidOf = (s: Statement) => String(s.Sid ?? '');

/** The statements one document has and the other lacks, compared in their canonical form (principals normalised). */
export function documentDrift(
  held: PolicyDocument,
  wanted: PolicyDocument,
): { added: Statement[]; removed: Statement[] } {
  const n = normalisePrincipals(held.Statement, wanted.Statement, sidOf);
  // Each statement's canonical form once: it is most of what comparing a role costs.
  const heldKeys = n.held.map(canonicalStatement);
  const wantedKeys = n.expected.map(canonicalStatement);
  const heldSet = new Set(heldKeys);
  const wantedSet = new Set(wantedKeys);
  return {
    added: n.held.filter((_, i) => !wantedSet.has(heldKeys[i] as string)),
    removed: n.expected.filter((_, i) => !heldSet.has(wantedKeys[i] as string)),
  };
}

/** `statements` in `parts` groups of about equal size, in order (a group may be empty). */
export function splitStatements(statements: readonly unknown[], parts: number): unknown[][] {
  const sizes = statements.map((s) => JSON.stringify(s).length);
  const each = sizes.reduce((a, b) => a + b, 0) / parts;
  const out: unknown[][] = Array.from({ length: parts }, () => []);
  let size = 0;
  statements.forEach((s, i) => {
    const at = Math.min(parts - 1, Math.floor(size / Math.max(each, 1)));
    out[at]?.push(s);
    size += sizes[i] ?? 0;
  });
  return out;
}
