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

/** A principal element with each kind's principals as a sorted list (`*` as it is). */
function canonicalPrincipal(p: unknown): unknown {
  if (typeof p === 'string') return p;
  return Object.fromEntries(
    Object.entries(obj(p))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, [...new Set(strings(v))].sort()]),
  );
}

/** A condition block with its operators, keys and values in one order, each value a list. */
function canonicalCondition(c: unknown): unknown {
  return Object.fromEntries(
    Object.entries(obj(c))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, keys]) => [
        op,
        Object.fromEntries(
          Object.entries(obj(keys))
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, [...new Set(strings(v))].sort()]),
        ),
      ]),
  );
}

/**
 * A statement in one form, so that two that mean the same compare equal: its elements in one order, `Action` /
 * `Resource` (and their `Not` forms) as sorted lists whatever the document wrote (a string or a list of one), actions
 * in lower case ("action names are case insensitive",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
 */
export function canonicalStatement(s: Statement): string {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(s).sort()) {
    const v = s[key];
    if (key === 'Action' || key === 'NotAction') out[key] = [...new Set(strings(v).map((a) => a.toLowerCase()))].sort();
    else if (key === 'Resource' || key === 'NotResource') out[key] = [...new Set(strings(v))].sort();
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
  const heldKeys = new Set(n.held.map(canonicalStatement));
  const wantedKeys = new Set(n.expected.map(canonicalStatement));
  return {
    added: n.held.filter((s) => !wantedKeys.has(canonicalStatement(s))),
    removed: n.expected.filter((s) => !heldKeys.has(canonicalStatement(s))),
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
