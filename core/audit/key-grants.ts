import type { Catalog } from '../config/schema.js';
import { autoScalingGrantees, type KeyGrantees } from '../sharing/key-grants.js';
import { ancestorsOf, isActive, type OrgTree } from '../sharing/targets.js';
import type { LeftoverGrant, ListedGrant } from './grant-types.js';
import { memberGrantee } from './grantee-sweep.js';

export type { LeftoverGrant, ListedGrant } from './grant-types.js';

/**
 * The AMI key's grants as ListGrants returns them, counted per Region and per account (functions/key-grants.ts).
 * Every grant counts against "Grants per KMS key" (https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html):
 * the member accounts' Auto Scaling grants (grantee their service-linked role) and one per attached EBS volume the
 * key encrypts (grantee `aws:ec2-infrastructure`, issued by the account that owns the volume:
 * https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-grants.html).
 */

/** Where one Region's count is kept: the latest count per Region, read by `goldsmith fleet`. */
export const KEY_GRANTS_PK = 'KEYGRANTS';
export const keyGrantsSk = (region: string) => `REGION#${region}`;

/** The accounts a count keeps by name: the largest holders (a ledger item stays far below DynamoDB's 400 KB). */
export const TOP_ACCOUNTS_KEPT = 20;

/** The share of the quota from which a Region is announced. */
export const REGION_WARNING_SHARE = 0.8;

const ACCOUNT_OF_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;

/**
 * The account a grant serves: the grantee's when it is an IAM principal (a member's Auto Scaling role), else the
 * account that issued it (a volume's grant, whose grantee is a service). Undefined when neither names one.
 */
export function grantAccount(g: ListedGrant): string | undefined {
  return ACCOUNT_OF_ARN.exec(g.granteePrincipal ?? '')?.[1] ?? ACCOUNT_OF_ARN.exec(g.issuingAccount ?? '')?.[1];
}

/** One Region's count. */
export interface GrantCount {
  region: string;
  keyArn: string;
  total: number;
  /** Accounts holding grants, and the largest holders with their grants, most first. */
  accounts: number;
  top: { account: string; grants: number }[];
  countedAt: string;
  /** Leftover grants the count's sweep kept, awaiting AWS's word (absent: none). */
  kept?: number;
}

/** Days a Region's count stands while nothing Goldsmith sees changes its grants: then it is counted in full again. */
export const FULL_COUNT_DAYS = 7;

/** From this share of the quota a Region is counted every day: a week's growth must not pass the warning unseen. */
export const DAILY_COUNT_SHARE = 0.5;

/**
 * Why a Region's grants must be listed today, or undefined when its held count stands. ListGrants reads every grant
 * of a key 100 a page and nothing cheaper counts them
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_ListGrants.html: `Limit` "1 to 100", `Truncated` and
 * `NextMarker` page on): a key serving 5,000 accounts is 50 calls a Region. So a Region is listed when there is no
 * count of its key yet, when the organization the ledger holds changed since it was counted (accounts joined, left or
 * moved: the member baseline's grants follow them, and the sweep has leftovers to judge), when that count kept
 * leftovers awaiting AWS's word, when it was past {@link DAILY_COUNT_SHARE} of the quota, and at the latest
 * {@link FULL_COUNT_DAYS} days after it; in between, the held count is what the Region holds as far as Goldsmith can
 * tell (grants made outside the baseline, such as EBS volumes' own, are seen at the next full count).
 */
export function countDue(
  held: Pick<GrantCount, 'keyArn' | 'total' | 'countedAt' | 'kept'> | undefined,
  keyArn: string,
  organizationChangedAt: string | undefined,
  now: Date,
  quota: number,
): string | undefined {
  if (!held) return 'no count held yet';
  if (held.keyArn !== keyArn) return 'the count held is of another key';
  const counted = Date.parse(held.countedAt);
  if (!(now.getTime() - counted < FULL_COUNT_DAYS * 86_400_000)) return `${FULL_COUNT_DAYS} days since the last count`;
  if (organizationChangedAt !== undefined && Date.parse(organizationChangedAt) >= counted)
    return 'the organization changed since the last count';
  if ((held.kept ?? 0) > 0) return 'the last count kept leftover grants awaiting AWS';
  if (held.total >= DAILY_COUNT_SHARE * quota)
    return `the last count was past ${DAILY_COUNT_SHARE * 100} % of the quota`;
  return undefined;
}

export function countGrants(region: string, keyArn: string, grants: readonly ListedGrant[], at: string): GrantCount {
  const by = new Map<string, number>();
  for (const g of grants) {
    const account = grantAccount(g) ?? 'unknown';
    by.set(account, (by.get(account) ?? 0) + 1);
  }
  const top = [...by]
    .filter(([account]) => account !== 'unknown')
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, TOP_ACCOUNTS_KEPT)
    .map(([account, n]) => ({ account, grants: n }));
  return { region, keyArn, total: grants.length, accounts: by.size, top, countedAt: at };
}

/** What a count calls for: the Region near the quota, or one account above its share, named. */
export interface GrantFinding {
  finding: 'quota' | 'account-share';
  region: string;
  total: number;
  quota: number;
  account?: string;
  grants?: number;
}

export function grantFindings(count: GrantCount, quota: number, accountShare: number): GrantFinding[] {
  const base = { region: count.region, total: count.total, quota };
  const out: GrantFinding[] = [];
  if (count.total >= REGION_WARNING_SHARE * quota) out.push({ finding: 'quota', ...base });
  for (const t of count.top)
    if (t.grants > accountShare * quota)
      out.push({ finding: 'account-share', ...base, account: t.account, grants: t.grants });
  return out;
}

/**
 * Why `account` may no longer hold an Auto Scaling grant on the key, as the key policy decides who may create one
 * (stacks/factory/key.ts, `MembersGrantTheirAutoScalingRole`): not an active member of the organization, or outside
 * every OU and account the channels target. Undefined: it is still served.
 */
export function notServedReason(
  catalog: Pick<Catalog, 'channels'>,
  tree: OrgTree,
  account: string,
): string | undefined {
  return reasonNotServed(() => autoScalingGrantees(catalog), tree, account);
}

/** `notServedReason` with the channels' grantees from `grantees`, asked only once the account is an active member. */
function reasonNotServed(grantees: () => KeyGrantees | undefined, tree: OrgTree, account: string): string | undefined {
  const held = tree.accounts.get(account);
  if (!held) return 'the account left the organization';
  if (!isActive(held.state)) return `the account is ${held.state.toLowerCase()}`;
  const served = grantees();
  if (!served) return undefined;
  if (served.accounts.includes(account)) return undefined;
  const above = new Set(ancestorsOf(tree, account));
  if (served.ous.some((ou) => above.has(ou))) return undefined;
  return 'no channel targets the account any more';
}

/**
 * The grants to the Auto Scaling roles of accounts the key no longer serves, whatever their name (grantee-sweep.ts
 * judges a grant by its grantee). Volume grants are never among them: they go with their volume. The factory's own
 * account is never swept. The channels' grantees are worked out once, and each account judged once however many
 * grants it holds (a Region's count lists one or more a member account: 4,960 in the organization benchmark).
 */
export function leftoverGrants(
  catalog: Pick<Catalog, 'channels'>,
  tree: OrgTree,
  factoryAccount: string,
  grants: readonly ListedGrant[],
): LeftoverGrant[] {
  // Worked out at the first active member's grant, once for all of them.
  let worked: { grantees: KeyGrantees | undefined } | undefined;
  const grantees = () => {
    worked ??= { grantees: autoScalingGrantees(catalog) };
    return worked.grantees;
  };
  const judged = new Map<string, string | undefined>();
  const out: LeftoverGrant[] = [];
  for (const grant of grants) {
    const account = memberGrantee(grant, factoryAccount);
    if (!account) continue;
    if (!judged.has(account)) judged.set(account, reasonNotServed(grantees, tree, account));
    const reason = judged.get(account);
    if (reason) out.push({ grant, account, reason });
  }
  return out;
}

/**
 * What AWS says of a leftover's account now, read before its grant is revoked (aws/audit/grant-holder.ts): the
 * account and the OUs above it as Organizations holds them (`gone`: Organizations does not have it), and the member
 * baseline's stack instances of the account in the grant's Region (absent: the baseline deploys no StackSet).
 */
export interface AccountWord {
  organization: OrgTree | 'gone';
  instances?: readonly { status: string; detailed?: string }[];
}

/** A stack instance's operation under way: "PENDING: … has yet to start", "RUNNING: … is currently in progress". */
const IN_FLIGHT = new Set(['PENDING', 'RUNNING']);

/**
 * How long a leftover grant is kept while its stack instance has an operation in flight, from the first run that kept
 * it: the instance's deletion retires the grant through the stack's custom resource, whose operation times out after
 * "3600 seconds (1 hour)" by default
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-customresource.html),
 * so twelve hours is far past any deletion that will finish, and shorter than the daily run: a grant is kept by one
 * run at most, and revoked by the next.
 */
export const KEEP_IN_FLIGHT_MS = 12 * 3600_000;

/**
 * Whether AWS's word confirms a leftover the ledger's copy of the organization found: that copy lags AWS (a joiner has
 * its baseline stack and grant before organization-sync reads it), so a grant is revoked only when Organizations says
 * the account left, is not active, or is under no OU and named by no channel. The member baseline's StackSet keeps it
 * only while one of the account's stack instances in that Region has an operation in flight (DetailedStatus PENDING
 * or RUNNING: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceComprehensiveStatus.html),
 * whose deletion retires the grant, and for {@link KEEP_IN_FLIGHT_MS} from `keptSince` at most: an instance left
 * OUTDATED, FAILED or INOPERABLE (termination protection, a broken execution role) keeps nothing.
 * @returns the leftover with AWS's reason to revoke it, or why it is kept (and until when, when bounded).
 */
export function confirmLeftover(
  catalog: Pick<Catalog, 'channels'>,
  leftover: LeftoverGrant,
  word: AccountWord,
  clock: { now: string; keptSince?: string | undefined } = { now: new Date(0).toISOString() },
): { revoke: LeftoverGrant } | { keep: string; until?: string } {
  if (word.organization === 'gone') return { revoke: { ...leftover, reason: 'the account left the organization' } };
  const reason = notServedReason(catalog, word.organization, leftover.account);
  if (!reason)
    return { keep: "Organizations says the key still serves the account (the ledger's copy of the organization lags)" };
  const state = word.organization.accounts.get(leftover.account)?.state ?? '';
  const listed = isActive(state) ? (word.instances ?? []) : [];
  const statusOf = (i: { status: string; detailed?: string }) => [i.status, i.detailed].filter(Boolean).join(' ');
  const first = listed[0];
  if (!first) return { revoke: { ...leftover, reason } };
  const inFlight = listed.find((i) => IN_FLIGHT.has(i.detailed ?? ''));
  if (!inFlight)
    return {
      revoke: { ...leftover, reason: `${reason}; its stack instance is ${statusOf(first)}, no operation under way` },
    };
  const until = new Date(Date.parse(clock.keptSince ?? clock.now) + KEEP_IN_FLIGHT_MS).toISOString();
  if (clock.now >= until)
    return {
      revoke: {
        ...leftover,
        reason: `${reason}; its stack instance is still ${statusOf(inFlight)} ${KEEP_IN_FLIGHT_MS / 3600_000} hours after the grant was first kept`,
      },
    };
  return {
    keep: `the member baseline's StackSet has an operation in flight on its stack instance (${statusOf(inFlight)}), whose deletion retires the grant`,
    until,
  };
}
