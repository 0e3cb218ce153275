/**
 * Principals as AWS gives a policy back, against the ones the deployment wrote. Two forms differ from what was written
 * without changing whom the policy lets in, and neither is drift:
 * - an account, written as its id or as its root ARN: "you can use the account ARN (arn:aws:iam::account-ID:root), or
 *   a shortened form that consists of the "AWS": prefix followed by the account ID … The account ARN and the
 *   shortened account ID behave the same way"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html), and a service may
 *   hold and return either: both are compared as the bare id;
 * - a role or user the policy names that was deleted since: "If your resource-based policy contains a Principal
 *   element with an Amazon Resource Name (ARN) for specific IAM entities, then the ARN changes to a unique principal
 *   ID when it's saved. This unique Principal ID has the prefix AIDA for IAM users, and AROA for IAM roles … The
 *   unique principal ID in a resource-based policy indicates that the IAM user or role was deleted. The principal ID
 *   appears because AWS can't map it back to a valid ARN"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles,
 *   https://aws.amazon.com/premiumsupport/knowledge-center/iam-resource-policy-format/). A live principal comes back as its ARN, so such
 *   an id lets nobody in (not even a role re-created under the name). It stands for one of the role or user ARNs the
 *   deployment's statement under the same `Sid` names and the held statement lacks; an id with no such ARN to stand
 *   for is left as it is, and is drift.
 */

const ACCOUNT_ROOT = /^arn:[a-z-]+:iam::(\d{12}):root$/;
/** The unique id of a deleted IAM role (`AROA`) or user (`AIDA`). */
const UNIQUE_ID = /^(AROA|AIDA)[A-Z0-9]{12,}$/;
const ROLE_OR_USER = /^arn:[a-z-]+:iam::\d{12}:(role|user)\//;

type Statement = Record<string, unknown>;

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** The `AWS` principals of a statement, as a list (none when the principal is `*` or names no AWS principal). */
function awsPrincipals(s: Statement): unknown[] {
  const p = s.Principal;
  return p !== null && typeof p === 'object' && !Array.isArray(p) ? asList((p as Record<string, unknown>).AWS) : [];
}

function withAws(s: Statement, list: unknown[]): Statement {
  const principal = { ...(s.Principal as Record<string, unknown>), AWS: list.length === 1 ? list[0] : list };
  return { ...s, Principal: principal };
}

/** An account's root ARN as its bare id; any other principal as it is. */
export const accountForm = (p: unknown): unknown => (typeof p === 'string' ? (ACCOUNT_ROOT.exec(p)?.[1] ?? p) : p);

/** A statement with its accounts in their bare form (both sides of a comparison go through it). */
export function normaliseAccounts(s: Statement): Statement {
  const list = awsPrincipals(s);
  return list.length === 0 ? s : withAws(s, list.map(accountForm));
}

/**
 * The held statements with each deleted principal's unique id replaced by the role or user ARN it stands for: one the
 * deployment's statement under the same `Sid` names that the held statement does not. Accounts are put in their bare
 * form on both sides first.
 */
export function normalisePrincipals(
  held: readonly Statement[],
  expected: readonly Statement[],
  sidOf: (s: Statement) => string,
): { held: Statement[]; expected: Statement[] } {
  const wanted = expected.map(normaliseAccounts);
  const out = held.map(normaliseAccounts).map((s) => {
    const list = awsPrincipals(s);
    if (!list.some((p) => typeof p === 'string' && UNIQUE_ID.test(p))) return s;
    const twin = wanted.find((w) => sidOf(w) === sidOf(s));
    const free = awsPrincipals(twin ?? {}).filter(
      (p): p is string => typeof p === 'string' && ROLE_OR_USER.test(p) && !list.includes(p),
    );
    return withAws(
      s,
      list.map((p) => (typeof p === 'string' && UNIQUE_ID.test(p) ? (free.shift() ?? p) : p)),
    );
  });
  return { held: out, expected: wanted };
}
