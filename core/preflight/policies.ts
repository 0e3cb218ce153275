/**
 * What `goldsmith preflight` reads in the Organizations resource-based delegation policy, decided without AWS: whether
 * it lets the factory account make Goldsmith's reads (docs/deploy.md; the service control policies are weighed in
 * scp-evaluate.ts and scp-requirements.ts).
 * Policies are taken as IAM JSON (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html):
 * `Action`, `Resource` and principals may be one string or a list; `*` and `?` are wildcards in actions and resources.
 */

/**
 * The Organizations calls Goldsmith's functions make from a delegated administrator account, which the delegation
 * policy must allow (docs/deploy.md, "A delegated administrator account").
 */
export const DELEGATED_ORGANIZATIONS_ACTIONS = [
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
  'organizations:ListParents',
  'organizations:DescribeAccount',
  'organizations:DescribeOrganizationalUnit',
  'organizations:ListTagsForResource',
] as const;

/**
 * The reads `goldsmith preflight` makes besides those, for the SCP check: the policies attached to the account and
 * above it (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPoliciesForTarget.html, callable
 * from the management account or a delegated administrator, which the delegation policy makes the factory for them).
 */
export const PREFLIGHT_ORGANIZATIONS_READS = [
  'organizations:ListPoliciesForTarget',
  'organizations:DescribePolicy',
] as const;

/** The actions of the delegation policy docs/deploy.md gives: the functions' reads, then preflight's. */
export const DELEGATION_POLICY_ACTIONS: readonly string[] = [
  ...DELEGATED_ORGANIZATIONS_ACTIONS,
  ...PREFLIGHT_ORGANIZATIONS_READS,
];

/**
 * The Organizations reads preflight makes that the delegation policy leaves out: trusted services
 * (ListAWSServiceAccessForOrganization), delegated administrators (ListDelegatedAdministrators) and the delegation
 * policy itself (DescribeResourcePolicy) are read as a delegated administrator of a service (the factory is StackSets'
 * when the member baseline is on) or from the management account; their lines say what to ask it when refused.
 */
export const PREFLIGHT_READS_BEYOND_THE_POLICY = [
  'organizations:ListAWSServiceAccessForOrganization',
  'organizations:ListDelegatedAdministrators',
  'organizations:DescribeResourcePolicy',
] as const;

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  Condition?: unknown;
}

const list = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : []);

/** IAM's wildcard match: `*` any run of characters, `?` one; actions compare without case. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'i' : '').test(value);
}

function statementsOf(content: string): Statement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return [];
  }
  const s = (doc as { Statement?: unknown }).Statement;
  return (Array.isArray(s) ? s : s && typeof s === 'object' ? [s] : []) as Statement[];
}

const actionIn = (s: Statement, action: string) =>
  s.Action !== undefined
    ? list(s.Action).some((p) => wildcardMatch(p, action, true))
    : s.NotAction !== undefined && !list(s.NotAction).some((p) => wildcardMatch(p, action, true));

/**
 * Whether a statement's principal is `account`: its id, its root ARN, or `*` (then only with no condition, or with
 * nothing but `aws:PrincipalOrgID` equal to the organization, which the account is in).
 */
function namesAccount(s: Statement, account: string, organizationId: string): boolean {
  const principal = s.Principal;
  const aws = principal === '*' ? ['*'] : list((principal as { AWS?: unknown } | undefined)?.AWS);
  if (aws.includes(account) || aws.includes(`arn:aws:iam::${account}:root`)) return s.Condition === undefined;
  if (!aws.includes('*')) return false;
  if (s.Condition === undefined) return true;
  const equals = (s.Condition as { StringEquals?: Record<string, unknown> }).StringEquals;
  const keys = Object.keys(s.Condition as object);
  return (
    keys.length === 1 &&
    equals !== undefined &&
    Object.keys(equals).length === 1 &&
    list(equals['aws:PrincipalOrgID']).includes(organizationId)
  );
}

/**
 * The actions of `needed` the delegation policy `content` does not allow `account` (in `organizationId`): an Allow
 * naming the account (or every account of the organization) that covers the action on every resource, and no Deny
 * for it. A statement with conditions other than the organization's id is not counted: preflight cannot evaluate it.
 */
export function delegationGaps(
  content: string,
  account: string,
  organizationId: string,
  needed: readonly string[] = DELEGATION_POLICY_ACTIONS,
): string[] {
  const statements = statementsOf(content).filter((s) => namesAccount(s, account, organizationId));
  const allEverywhere = (s: Statement) => list(s.Resource).includes('*');
  return needed.filter((action) => {
    const relevant = statements.filter((s) => actionIn(s, action));
    if (relevant.some((s) => s.Effect === 'Deny')) return true;
    return !relevant.some((s) => s.Effect === 'Allow' && allEverywhere(s));
  });
}
