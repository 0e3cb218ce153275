import type { Catalog } from '../config/schema.js';

/**
 * Matching the caller ARN AWS puts in a request context against the principals the catalog names. A role ARN
 * stands for every session of the role: AWS reports a role session as
 * `arn:aws:sts::<account>:assumed-role/<role name>/<session>` (the role's path is not part of it), see
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-role-session
 */

const ROLE = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const SESSION = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/([\w+=,.@-]+)$/;

/** The account a principal ARN belongs to, or undefined for anything that is not an IAM/STS ARN. */
export function accountOf(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
}

/**
 * Whether the caller `arn` is the principal `named` in the catalog: the same ARN, a session of the named role, or
 * (for a 12-digit account id) any principal of that account.
 */
export function principalMatches(named: string, arn: string): boolean {
  if (/^\d{12}$/.test(named)) return accountOf(arn) === named;
  if (named === arn) return true;
  const role = ROLE.exec(named);
  const session = SESSION.exec(arn);
  if (!role || !session) return false;
  return role[1] === session[1] && role[2] === session[2] && role[3] === session[3];
}

/** The role ARN a session belongs to, when `arn` is an assumed-role session (the path is unknown: none). */
export function roleNameOfSession(arn: string): string | undefined {
  return SESSION.exec(arn)?.[3];
}

/** The approver names of `channel` that the caller `arn` signs as (empty: not an approver of that channel). */
export function approverNamesFor(catalog: Catalog, channel: string, arn: string): string[] {
  const approvers = catalog.channels.find((c) => c.name === channel)?.approval?.approvers;
  if (approvers === undefined) return [];
  // A Map, not the record itself: an approver named like an Object method (`constructor`) is no principal list.
  const principals = new Map(Object.entries(catalog.access.approvers));
  return approvers.filter((name) => principals.get(name)?.some((p) => principalMatches(p, arn)) === true);
}
