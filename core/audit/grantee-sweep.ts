import {
  AUTO_SCALING_GRANT_NAME,
  AUTO_SCALING_GRANT_OPERATIONS,
  AUTO_SCALING_SERVICE_ROLE_PATH,
  autoScalingGrantName,
} from '../sharing/key-grants.js';
import type { LeftoverGrant, ListedGrant } from './grant-types.js';

/**
 * The AMI key's grants judged by grantee, not by name (functions/audit/key-grants.ts). The key policy lets a member
 * account grant the key to its own Auto Scaling service-linked role only (stacks/factory/key.ts,
 * `MembersGrantTheirAutoScalingRole`), under any name or none: "A grant name does not have to be unique"
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html), and every grant counts against "Grants
 * per KMS key: 50,000" (https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html), past which KMS
 * refuses the grants EC2 needs to attach encrypted volumes. So every grant to a member's Auto Scaling role is one of
 * an account's: the baseline's one is kept, every other one revoked. Grants to anything else — the factory's own
 * roles, Image Builder's and EC2's service grants, volumes' grants — are never judged here.
 */

/** A member's Auto Scaling service-linked role as a grantee: `arn:aws:iam::<account>:role/aws-service-role/autoscaling.amazonaws.com/<name>`. */
const AUTO_SCALING_ROLE = new RegExp(
  `^arn:aws[a-z-]*:iam::(\\d{12}):role/${AUTO_SCALING_SERVICE_ROLE_PATH.replace(/\./g, '\\.')}([\\w+=,.@-]+)$`,
);

/** The role the member baseline grants: Auto Scaling's default service-linked role. */
export const BASELINE_GRANTEE_ROLE = 'AWSServiceRoleForAutoScaling';

/**
 * Extra grants one account may hold before their revocation is announced as critical rather than info. The baseline
 * makes one grant per stack instance, two while an account moves between targeted OUs (its new instance is created
 * before the old one is deleted); a stray grant or two can come from a person trying CreateGrant by hand. More than
 * ten is no accident: someone in that account is creating grants on the factory's key.
 */
export const EXTRA_GRANTS_CRITICAL = 10;

/** The member account whose Auto Scaling role `g` is granted to; undefined for any other grantee and for the factory's. */
export function memberGrantee(g: ListedGrant, factoryAccount: string): string | undefined {
  const account = AUTO_SCALING_ROLE.exec(g.granteePrincipal ?? '')?.[1];
  return account && account !== factoryAccount ? account : undefined;
}

/** The grants to members' Auto Scaling roles, by account. */
export function memberGrantsByAccount(
  grants: readonly ListedGrant[],
  factoryAccount: string,
): Map<string, ListedGrant[]> {
  const by = new Map<string, ListedGrant[]>();
  for (const g of grants) {
    const account = memberGrantee(g, factoryAccount);
    if (!account) continue;
    const held = by.get(account);
    if (held) held.push(g);
    else by.set(account, [g]);
  }
  return by;
}

const OPERATIONS: ReadonlySet<string> = new Set(AUTO_SCALING_GRANT_OPERATIONS);

/** Whether `operations` are the documented ones, each once, in any order (judged for every grant of a Region's count). */
function documentedOperations(listed: readonly string[] | undefined): boolean {
  const operations = listed ?? [];
  return (
    operations.length === OPERATIONS.size &&
    operations.every((op) => OPERATIONS.has(op)) &&
    new Set(operations).size === operations.length
  );
}

/** Whether `g` is what the baseline grants, whatever its name: the default role, the documented operations, no constraints. */
function servesAutoScaling(g: ListedGrant): boolean {
  return (
    !g.constrained &&
    documentedOperations(g.operations) &&
    AUTO_SCALING_ROLE.exec(g.granteePrincipal ?? '')?.[2] === BASELINE_GRANTEE_ROLE
  );
}

const baselineShaped = (g: ListedGrant) => servesAutoScaling(g) && (g.name ?? '').startsWith(AUTO_SCALING_GRANT_NAME);

const oldestFirst = (a: ListedGrant, b: ListedGrant) =>
  (a.creationDate ?? '').localeCompare(b.creationDate ?? '') || a.grantId.localeCompare(b.grantId);

/**
 * The grants the member baseline made for one account in one Region, among `grants` (all to that account's Auto
 * Scaling role): for each of its stack instances (`stackIds`, as StackSets lists them), the oldest baseline-shaped
 * grant named for that stack (member/auto-scaling-grant.ts names it after the stack's id); without a match, the oldest
 * baseline-shaped grant, else the oldest that serves Auto Scaling under another name, else the oldest: one grant to
 * its own role never fills the quota, and revoking an account's only grant could stop its launches.
 */
export function baselineGrantsOf(grants: readonly ListedGrant[], stackIds: readonly string[] = []): ListedGrant[] {
  const sorted = [...grants].sort(oldestFirst);
  const shaped = sorted.filter(baselineShaped);
  const named = new Set(stackIds.map(autoScalingGrantName));
  const perStack = new Map<string, ListedGrant>();
  for (const g of shaped) if (g.name && named.has(g.name) && !perStack.has(g.name)) perStack.set(g.name, g);
  if (perStack.size > 0) return [...perStack.values()];
  const first = shaped[0] ?? sorted.find(servesAutoScaling) ?? sorted[0];
  return first ? [first] : [];
}

/** One account's grants beyond the baseline's, to revoke. */
export function extraGrantsOf(
  account: string,
  grants: readonly ListedGrant[],
  kept: readonly ListedGrant[],
): LeftoverGrant[] {
  const keep = new Set(kept.map((g) => g.grantId));
  const reason = "a grant to the account's Auto Scaling role beyond the one the member baseline made";
  return grants.filter((g) => !keep.has(g.grantId)).map((grant) => ({ grant, account, reason }));
}
