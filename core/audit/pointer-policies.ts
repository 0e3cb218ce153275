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
 * A policy that lets someone do more than the share does, and why (for people). Two kinds are announced for a person
 * to judge, never deleted: `unclear`, whose only excess is a wildcard principal under conditions this judgement does
 * not read (possibly RAM's own wording); `withinReach`, which lets in no one beyond the share's reach as the
 * organization resolves it (core/audit/pointer-reach.ts) — RAM's own naming the accounts of an OU, or one from
 * before the channel's targets changed: deleting it could shut out consumers the share still reaches.
 */
export interface ForeignPointerPolicy extends HeldPointerPolicy {
  reasons: string[];
  unclear: boolean;
  withinReach: boolean;
}

type Statement = Record<string, unknown>;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const READS = new Set(POINTER_READ_ACTIONS.map((a) => a.toLowerCase()));

/**
 * The condition operators that hold a wildcard principal to the organization or to an OU, per key (keys compare
 * case-insensitively; operators exactly). Only these bound a principal: "If the policy condition requires that the
 * key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html), an
 * `...IfExists` one "still returns true" when the key is absent
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html), and "The ForAllValues
 * condition set operator also returns true if there are no context keys in the request"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html):
 * each lets in a principal outside any organization.
 */
const BOUNDING: Record<string, readonly string[]> = {
  'aws:principalorgid': ['StringEquals', 'StringLike'],
  'aws:principalorgpaths': ['StringEquals', 'StringLike', 'ForAnyValue:StringEquals', 'ForAnyValue:StringLike'],
};

/**
 * Whether one value of a bounding key stays within the share's reach: the organization's own id when the share
 * reaches the organization; an OU path (`o-…/r-…/ou-…/`, optionally ending `*`) of the organization ending at an OU
 * the share reaches, or any path of it when the share reaches the organization. A path segment may be `*` (as in
 * `o-…/*\/ou-…/*`, a wording RAM may give an OU share: AWS documents only that RAM fills the Principal in "from the
 * list of identities added to the resource share",
 * https://docs.aws.amazon.com/ram/latest/APIReference/API_CreatePermission.html): the path still ends `/<ou>/`, and
 * OU ids are unique, so whatever it matches lies under that OU. A wildcard inside a segment (`ou-x1y2-dev*`) could
 * match another OU's id: not within.
 */
function withinReach(key: string, value: string, reach: ShareReach): boolean {
  const sharedWithOrg = reach.principals.some((p) => p.endsWith(`:organization/${reach.organizationId}`));
  if (key === 'aws:principalorgid') return sharedWithOrg && value === reach.organizationId;
  const path = value.replace(/\*$/, '');
  if (!path.startsWith(`${reach.organizationId}/`) || !/^o-[a-z0-9]+\/(?:(?:[a-z0-9-]+|\*)\/)*$/.test(path))
    return false;
  if (sharedWithOrg) return true;
  const ous = reach.principals.flatMap((p) => /\/(ou-[a-z0-9-]+)$/.exec(p)?.[1] ?? []);
  return ous.some((ou) => path.endsWith(`/${ou}/`));
}

/**
 * Whether a wildcard principal is held to the share's reach by its condition. `held`: every condition is a bounding
 * operator (above) on `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` whose every value is within the reach. `not
 * held`: no condition, or any condition on those keys that is not (another operator, another organization or OU).
 * `unclear`: a bounding condition with conditions on other keys besides (possibly RAM's own wording); conditions on
 * other keys alone are `not held`.
 */
function heldToReach(s: Statement, reach: ShareReach): 'held' | 'not held' | 'unclear' {
  const conditions = s.Condition;
  if (conditions === undefined) return 'not held';
  if (conditions === null || typeof conditions !== 'object' || Array.isArray(conditions)) return 'unclear';
  let bounded = false;
  let other = false;
  for (const [operator, block] of Object.entries(conditions as Record<string, unknown>)) {
    if (block === null || typeof block !== 'object' || Array.isArray(block)) {
      other = true;
      continue;
    }
    for (const [rawKey, value] of Object.entries(block as Record<string, unknown>)) {
      const key = rawKey.toLowerCase();
      const operators = BOUNDING[key];
      if (operators === undefined) {
        other = true;
        continue;
      }
      const values = list(value);
      const within = values.every((v) => typeof v === 'string' && withinReach(key, v, reach));
      if (!operators.includes(operator) || values.length === 0 || !within) return 'not held';
      bounded = true;
    }
  }
  // Conditions none of which holds callers to the organization (`aws:PrincipalAccount`, `aws:SecureTransport`, …) let
  // in whoever meets them: not held. Unclear only where a bounding condition comes with others.
  if (!bounded) return 'not held';
  return other ? 'unclear' : 'held';
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

/** One policy's excess over `reach` (undefined: none), and whether its only excess is unclear. */
function judged(p: HeldPointerPolicy, reach: ShareReach): { reasons: string[]; unclear: boolean } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(p.policy);
  } catch {
    return { reasons: ['not JSON'], unclear: false };
  }
  const raw = (parsed as { Statement?: unknown } | null)?.Statement;
  const statements = list(raw).filter((s): s is Statement => s !== null && typeof s === 'object');
  const marked = statements.flatMap((s) => statementExcess(s, reach));
  if (statements.length === 0) marked.push('no statement');
  const reasons = marked.map((r) => r.replace(/^\?/, ''));
  return reasons.length > 0 ? { reasons, unclear: marked.every((r) => r.startsWith('?')) } : undefined;
}

/**
 * The policies on a pointer that let someone do more than the channel's share does: a principal it does not reach,
 * an action beyond reading, a Deny (which could shut the targets out), or a policy that is no JSON; or, `unclear`, one
 * whose only excess is a wildcard principal under conditions not read here. `resolved` is the share's reach as the
 * organization resolves it (core/audit/pointer-reach.ts): a policy with no excess over that is `withinReach`.
 */
export function foreignPointerPolicies(
  held: readonly HeldPointerPolicy[],
  reach: ShareReach,
  resolved: readonly string[] = [],
): ForeignPointerPolicy[] {
  const wide: ShareReach = { ...reach, principals: [...new Set([...reach.principals, ...resolved])] };
  return held.flatMap((p) => {
    const narrow = judged(p, reach);
    if (!narrow) return [];
    const beyond = resolved.length > 0 ? judged(p, wide) : narrow;
    return [{ ...p, ...narrow, unclear: narrow.unclear || beyond?.unclear === true, withinReach: !beyond }];
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
 * or a deletion that failed) is the same record and announcement; a policy put back later has a new hash. A policy
 * left for a person (`day`, the run's date) is a new record and announcement on each day a read finds it (each pointers' sweep while it stays).
 */
export function pointerPolicyDriftSk(channel: string, region: string, p: HeldPointerPolicy, day?: string): string {
  return `DRIFT#pointer-policy#${channel}#${region}#${p.id}@${p.hash.slice(0, 16)}${day ? `#${day}` : ''}`;
}
