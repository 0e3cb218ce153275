import { createHash } from 'node:crypto';
import {
  describe,
  documentDrift,
  type PolicyDocument,
  policyDocumentFrom,
  type Statement,
  strings,
} from './role-documents.js';

/**
 * Goldsmith's IAM roles as the deployment made them, against what IAM holds.
 *
 * What the deployment wrote (stacks/expected-roles.ts), resolved by CloudFormation, under `rolesPath(stage)`:
 * - per role (`kind: role`): its name and ARN, trust policy, managed policy ARNs and permissions boundary;
 * - per policy document (`kind: policy`): the roles it is on (a role's own `Policies` entry, or an
 *   `AWS::IAM::Policy`'s `Roles`), its name and its statements, split into parts so that no value nears Parameter
 *   Store's 8 KB (a role's inline policies may hold 10,240 characters);
 * - per customer managed policy attached through its `Roles` (`kind: managed`): its ARN and roles.
 * A role is compared as a whole: its trust policy and each inline policy semantically (statement order, one string
 * or a list of one, an account's id or root ARN, a deleted principal's unique id: none of them is drift), the managed
 * policies and the boundary as sets of ARNs.
 */

/** Where the stacks write the roles' records: under `/goldsmith/`, which the SCP keeps to Goldsmith. */
export const rolesPath = (stage: string) => `/goldsmith/_roles/${stage}/`;

/** A role as the deployment made it. */
export interface ExpectedRole {
  /** The role's parameter. */
  parameter: string;
  name: string;
  arn: string;
  trust: PolicyDocument;
  /** Inline policies by name. */
  inline: Record<string, PolicyDocument>;
  managed: string[];
  boundary?: string | undefined;
  /** The stack that made it: while that stack is being changed, its roles are the deploy's to change. */
  stack?: string | undefined;
}

/** A role as IAM holds it (GetRole, ListRolePolicies with GetRolePolicy, ListAttachedRolePolicies). */
export interface HeldRole {
  trust: PolicyDocument;
  inline: Record<string, PolicyDocument>;
  managed: string[];
  boundary?: string | undefined;
}

/** One parameter's value, read. */
export type RoleRecord =
  | {
      kind: 'role';
      parameter: string;
      name: string;
      arn: string;
      trust: PolicyDocument;
      managed: string[];
      boundary?: string | undefined;
      stack?: string | undefined;
    }
  | {
      kind: 'policy';
      parameter: string;
      roles: string[];
      policy: string;
      part: number;
      version?: string | undefined;
      statements: Statement[];
    }
  | { kind: 'managed'; parameter: string; roles: string[]; arn: string };

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** A parameter's value, read; a malformed one is refused naming the parameter and the field. */
export function roleRecordFrom(parameter: string, value: string): RoleRecord {
  let parsed: Record<string, unknown>;
  try {
    parsed = obj(JSON.parse(value));
  } catch {
    throw new Error(`${parameter}: not JSON`);
  }
  const need = (field: string) => {
    const v = str(parsed[field]);
    if (!v) throw new Error(`${parameter}: ${field} is missing`);
    return v;
  };
  switch (parsed.kind) {
    case 'role':
      return {
        kind: 'role',
        parameter,
        name: need('name'),
        arn: need('arn'),
        trust: policyDocumentFrom(`${parameter}: trust`, parsed.trust),
        managed: strings(parsed.managed),
        boundary: str(parsed.boundary),
        stack: str(parsed.stack),
      };
    case 'policy':
      if (!Array.isArray(parsed.statements)) throw new Error(`${parameter}: statements is missing`);
      return {
        kind: 'policy',
        parameter,
        roles: strings(parsed.roles),
        policy: need('policy'),
        part: typeof parsed.part === 'number' ? parsed.part : 0,
        version: str(parsed.version),
        statements: parsed.statements.map(obj),
      };
    case 'managed':
      return { kind: 'managed', parameter, roles: strings(parsed.roles), arn: need('arn') };
    default:
      throw new Error(`${parameter}: kind must be role, policy or managed`);
  }
}

/**
 * The roles the records describe: each role with the policy documents (their parts joined in order) and managed
 * policies that name it. A policy or managed policy on a role the deployment did not record is not Goldsmith's to audit.
 */
export function expectedRolesFrom(records: readonly RoleRecord[]): ExpectedRole[] {
  const roles = new Map<string, ExpectedRole>();
  for (const r of records) {
    if (r.kind !== 'role') continue;
    const { parameter, name, arn, trust, managed, boundary, stack } = r;
    roles.set(name, { parameter, name, arn, trust, inline: {}, managed: [...managed], boundary, stack });
  }
  const parts = records
    .filter((r): r is Extract<RoleRecord, { kind: 'policy' }> => r.kind === 'policy')
    .sort((a, b) => a.part - b.part);
  for (const p of parts) {
    for (const name of p.roles) {
      const role = roles.get(name);
      if (!role) continue;
      const doc = role.inline[p.policy] ?? { Version: p.version, Statement: [] };
      doc.Statement.push(...p.statements);
      role.inline[p.policy] = doc;
    }
  }
  for (const m of records) {
    if (m.kind !== 'managed') continue;
    for (const name of m.roles) roles.get(name)?.managed.push(m.arn);
  }
  return [...roles.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function changedDocument(what: string, held: PolicyDocument, wanted: PolicyDocument): string[] {
  const { added, removed } = documentDrift(held, wanted);
  const version = (held.Version ?? '') !== (wanted.Version ?? '') ? [`Version ${held.Version ?? '(none)'}`] : [];
  const parts = [
    ...version,
    ...added.map((s) => `statement added: ${describe(s)}`),
    ...removed.map((s) => `statement removed: ${describe(s)}`),
  ];
  return parts.length === 0 ? [] : [`${what} changed (${parts.join('; ')})`];
}

/**
 * What differs between the role IAM holds and the deployment's, as people read it (empty: none): the trust policy's
 * statements, each inline policy added (with what it allows), removed or changed, managed policies attached or
 * detached, the permissions boundary.
 */
export function roleDrift(held: HeldRole, wanted: ExpectedRole): string[] {
  const out = changedDocument('trust policy', held.trust, wanted.trust);
  const names = [...new Set([...Object.keys(held.inline), ...Object.keys(wanted.inline)])].sort();
  for (const name of names) {
    const h = held.inline[name];
    const w = wanted.inline[name];
    if (h && !w) out.push(`inline policy ${name} added (${h.Statement.map(describe).join('; ') || 'no statement'})`);
    else if (!h) out.push(`inline policy ${name} removed`);
    else if (w) out.push(...changedDocument(`inline policy ${name}`, h, w));
  }
  const wantedManaged = new Set(wanted.managed);
  const heldManaged = new Set(held.managed);
  for (const arn of [...heldManaged].sort()) if (!wantedManaged.has(arn)) out.push(`managed policy ${arn} attached`);
  for (const arn of [...wantedManaged].sort()) if (!heldManaged.has(arn)) out.push(`managed policy ${arn} detached`);
  if ((held.boundary ?? '') !== (wanted.boundary ?? '')) {
    out.push(`permissions boundary ${held.boundary ?? '(none)'} instead of ${wanted.boundary ?? '(none)'}`);
  }
  return out;
}

/** The drift record's sort key: the same change of the same role found again the same day is the same record. */
export function roleDriftSk(name: string, drift: readonly string[], now: Date): string {
  const change = createHash('sha256').update(JSON.stringify(drift)).digest('hex').slice(0, 16);
  return `DRIFT#role#${name}#${now.toISOString().slice(0, 10)}#${change}`;
}

/**
 * The IAM commands that put the role back as the deployment recorded it, one per difference. A deploy does not:
 * CloudFormation leaves a change made outside it in place until someone takes "corrective action … such as updating
 * the drifted resources directly so that they agree with their template definition"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html), and a policy the
 * template never named is not CloudFormation's to remove.
 */
export function roleRepairs(held: HeldRole, wanted: ExpectedRole, recorded: string): string[] {
  const role = `--role-name ${wanted.name}`;
  const document = `--policy-document file://<its statements under ${recorded}>`;
  const out: string[] = [];
  if (changedDocument('trust', held.trust, wanted.trust).length > 0) {
    out.push(
      `aws iam update-assume-role-policy ${role} --policy-document file://<the trust policy in ${wanted.parameter}>`,
    );
  }
  const names = [...new Set([...Object.keys(held.inline), ...Object.keys(wanted.inline)])].sort();
  for (const name of names) {
    const h = held.inline[name];
    const w = wanted.inline[name];
    if (h && !w) out.push(`aws iam delete-role-policy ${role} --policy-name ${name}`);
    else if (w && (!h || changedDocument(name, h, w).length > 0)) {
      out.push(`aws iam put-role-policy ${role} --policy-name ${name} ${document}`);
    }
  }
  for (const arn of held.managed.filter((a) => !wanted.managed.includes(a)).sort()) {
    out.push(`aws iam detach-role-policy ${role} --policy-arn ${arn}`);
  }
  for (const arn of wanted.managed.filter((a) => !held.managed.includes(a)).sort()) {
    out.push(`aws iam attach-role-policy ${role} --policy-arn ${arn}`);
  }
  if ((held.boundary ?? '') !== (wanted.boundary ?? '')) {
    out.push(
      wanted.boundary
        ? `aws iam put-role-permissions-boundary ${role} --permissions-boundary ${wanted.boundary}`
        : `aws iam delete-role-permissions-boundary ${role}`,
    );
  }
  return out;
}
