import { accountForm } from './principals.js';

/**
 * The audit's judgement of the resource policies Parameter Store holds on a channel pointer (pure). Goldsmith never
 * calls `ssm:PutResourcePolicy`: it shares a pointer only through its channel's RAM share. Someone with
 * `ssm:PutResourcePolicy` in the factory account can attach a policy of their own to a pointer
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutResourcePolicy.html: "Parameter - The
 * resource policy is used to share a parameter with other accounts"), which lets the accounts it names read the
 * pointer outside the share; RAM then makes a share of its own for it, of feature set `CREATED_FROM_POLICY`, that
 * "can't be modified by using RAM"
 * (https://docs.aws.amazon.com/ram/latest/APIReference/API_PromoteResourceShareCreatedFromPolicy.html), so the policy
 * itself is what to take away. AWS does not document the text of the policy RAM keeps on a parameter it shares, so a
 * policy is judged by what it lets happen, not by its wording: one that lets only the share's principals read is
 * within the share (whoever wrote it) and left; any other is foreign.
 */

/** The reads a pointer's consumers make (the share's permission gives no more). */
export const POINTER_READ_ACTIONS: readonly string[] = [
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParameterHistory',
  'ssm:DescribeParameters',
];

/** One policy as GetResourcePolicies answers it. */
export interface HeldPointerPolicy {
  id: string;
  hash: string;
  policy: string;
}

/** Whom the channel's share reaches: account ids, OU ARNs, the organization ARN, and the organization's id. */
export interface ShareReach {
  principals: readonly string[];
  organizationId: string;
}

/**
 * A policy that lets someone do more than the share does, and why (for people). `unclear`: the only excess is a
 * wildcard principal held by conditions this judgement does not read (not the organization's id or an OU's path) —
 * possibly RAM's own wording, so it is announced for a person to judge, never deleted.
 */
export interface ForeignPointerPolicy extends HeldPointerPolicy {
  reasons: string[];
  unclear: boolean;
}

type Statement = Record<string, unknown>;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const READS = new Set(POINTER_READ_ACTIONS.map((a) => a.toLowerCase()));

/** The condition values of `key` in a statement (any operator), as strings. */
function conditionValues(s: Statement, key: string): string[] {
  const conditions = s.Condition;
  if (conditions === null || typeof conditions !== 'object') return [];
  return Object.values(conditions as Record<string, unknown>).flatMap((block) =>
    block !== null && typeof block === 'object'
      ? Object.entries(block as Record<string, unknown>)
          .filter(([k]) => k.toLowerCase() === key.toLowerCase())
          .flatMap(([, v]) => list(v).filter((x): x is string => typeof x === 'string'))
      : [],
  );
}

/**
 * Whether a wildcard principal is held to the share's reach by its condition: the organization's id
 * (`aws:PrincipalOrgID`) when the share reaches the organization, or a path ending at an OU it reaches
 * (`aws:PrincipalOrgPaths`).
 */
function heldToReach(s: Statement, reach: ShareReach): 'held' | 'not held' | 'unclear' {
  const orgIds = conditionValues(s, 'aws:PrincipalOrgID');
  const paths = conditionValues(s, 'aws:PrincipalOrgPaths');
  const sharedWithOrg = reach.principals.some((p) => p.endsWith(`:organization/${reach.organizationId}`));
  const ous = reach.principals.flatMap((p) => /\/(ou-[a-z0-9-]+)$/.exec(p)?.[1] ?? []);
  if (orgIds.length > 0)
    return sharedWithOrg && orgIds.every((id) => id === reach.organizationId) ? 'held' : 'not held';
  if (paths.length > 0)
    return paths.every((path) => ous.some((ou) => path.replace(/\*$/, '').endsWith(`/${ou}/`))) ? 'held' : 'not held';
  return s.Condition === undefined ? 'not held' : 'unclear';
}

/** Why one statement lets someone do more than the share does (empty: it does not); `?` marks an unclear reason. */
function statementExcess(s: Statement, reach: ShareReach): string[] {
  const sid = typeof s.Sid === 'string' ? `${s.Sid}: ` : '';
  if (s.Effect !== 'Allow') return [`${sid}a ${String(s.Effect)} statement (the share has none)`];
  if (s.NotAction !== undefined || s.NotPrincipal !== undefined) return [`${sid}NotAction/NotPrincipal`];
  const reasons: string[] = [];
  const beyond = list(s.Action).filter((a) => typeof a !== 'string' || !READS.has(a.toLowerCase()));
  if (beyond.length > 0 || list(s.Action).length === 0) reasons.push(`${sid}allows ${beyond.map(String).join(', ')}`);
  const principal = s.Principal;
  const aws =
    principal === '*'
      ? ['*']
      : principal !== null && typeof principal === 'object'
        ? (() => {
            const { AWS, ...others } = principal as Record<string, unknown>;
            if (Object.keys(others).length > 0)
              reasons.push(`${sid}names ${Object.keys(others).join(', ')} principals`);
            return list(AWS);
          })()
        : [];
  if (aws.length === 0 && reasons.length === 0) reasons.push(`${sid}names no principal`);
  const accounts = new Set(reach.principals.map((p) => String(accountForm(p))));
  for (const p of aws) {
    if (p === '*') {
      const held = heldToReach(s, reach);
      if (held === 'not held') reasons.push(`${sid}lets anyone in`);
      if (held === 'unclear') reasons.push(`?${sid}lets in whoever its condition admits`);
      continue;
    }
    const account = accountForm(p);
    if (typeof account !== 'string' || !accounts.has(account)) reasons.push(`${sid}lets ${String(account)} in`);
  }
  return reasons;
}

/**
 * The policies on a pointer that let someone do more than the channel's share does: a principal it does not reach,
 * an action beyond reading, a Deny (which could shut the targets out), or a policy that is no JSON; or, `unclear`, one
 * whose only excess is a wildcard principal under conditions not read here.
 */
export function foreignPointerPolicies(held: readonly HeldPointerPolicy[], reach: ShareReach): ForeignPointerPolicy[] {
  return held.flatMap((p) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(p.policy);
    } catch {
      return [{ ...p, reasons: ['not JSON'], unclear: false }];
    }
    const raw = (parsed as { Statement?: unknown } | null)?.Statement;
    const statements = list(raw).filter((s): s is Statement => s !== null && typeof s === 'object');
    const marked = statements.flatMap((s) => statementExcess(s, reach));
    if (statements.length === 0) marked.push('no statement');
    const reasons = marked.map((r) => r.replace(/^\?/, ''));
    return reasons.length > 0 ? [{ ...p, reasons, unclear: marked.every((r) => r.startsWith('?')) }] : [];
  });
}

/** The accounts a foreign policy lets in (bare ids), for the announcement. */
export function policyAccounts(policy: string): string[] {
  try {
    const raw = (JSON.parse(policy) as { Statement?: unknown } | null)?.Statement;
    const named = list(raw).flatMap((s) =>
      s !== null && typeof s === 'object'
        ? list(((s as Statement).Principal as { AWS?: unknown } | undefined)?.AWS)
        : [],
    );
    return [...new Set(named.map((p) => String(accountForm(p))))].sort();
  } catch {
    return [];
  }
}

/**
 * The ledger's sort key of a foreign policy found on a pointer: the same policy version found again (a retried run,
 * or a deletion that failed) is the same record and announcement; a policy put back later has a new hash.
 */
export function pointerPolicyDriftSk(channel: string, region: string, p: HeldPointerPolicy): string {
  return `DRIFT#pointer-policy#${channel}#${region}#${p.id}@${p.hash.slice(0, 16)}`;
}
