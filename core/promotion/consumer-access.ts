import type { TargetSpec } from '../sharing/targets.js';

/**
 * Who may read a channel's pointers and pull its container images: pure decisions, turned into AWS RAM principals
 * and ECR repository policy statements. Launch permissions for AMIs are planned elsewhere (the sharing planner).
 */

/** The organization as the principals' ARNs need it: its id and the management account that owns its ARNs. */
export interface OrganizationRef {
  id: string;
  managementAccountId: string;
}

/** The organization's ARN, a RAM principal: `arn:aws:organizations::<management>:organization/<o-id>`. */
export function organizationArn(org: OrganizationRef): string {
  return `arn:aws:organizations::${org.managementAccountId}:organization/${org.id}`;
}

/** An OU's ARN, a RAM principal: `arn:aws:organizations::<management>:ou/<o-id>/<ou-id>`. */
export function ouArn(org: OrganizationRef, ou: string): string {
  return `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${ou}`;
}

/** The RAM principals of a channel's pointer share, and what RAM cannot express about the channel's targets. */
export interface PointerPrincipals {
  principals: string[];
  /** Why the share is wider than the channel's targets (RAM has no exclusions and no tag selection), if it is. */
  wider?: string | undefined;
}

/**
 * The principals a channel's pointers are shared with through RAM
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html: accounts,
 * OUs or the whole organization). A channel that targets the organization shares with its ARN; otherwise targeted
 * OUs (minus excluded ones) as OU ARNs, explicit accounts (minus excluded ones) as account ids. RAM can neither exclude an account inside a shared OU nor select accounts by tag, so:
 * exclusions inside a targeted OU stay readable (a pointer only names an image; launching or pulling it is what
 * the grants restrict), and a channel that selects accounts by tag shares with the whole organization.
 * Sorted and deduplicated, so equal targets give equal principals.
 */
export function pointerPrincipals(targets: TargetSpec, org: OrganizationRef): PointerPrincipals {
  if (targets.organization) {
    const excluded = targets.exclude.ous.length > 0 || targets.exclude.accounts.length > 0;
    return {
      principals: [organizationArn(org)],
      wider: excluded
        ? 'exclusions inside the organization cannot be expressed in RAM: excluded accounts can read the pointer, not launch or pull the image'
        : undefined,
    };
  }
  if (Object.keys(targets.accountTags).length > 0) {
    return {
      principals: [organizationArn(org)],
      wider: 'accounts selected by tag cannot be named in RAM: the pointer is shared with the organization',
    };
  }
  const ous = targets.ous.filter((ou) => !targets.exclude.ous.includes(ou));
  const accounts = targets.accounts.filter((a) => !targets.exclude.accounts.includes(a));
  const principals = [...new Set([...ous.map((ou) => ouArn(org, ou)), ...accounts])].sort();
  const excludedInside =
    ous.length > 0 &&
    (targets.exclude.accounts.some((a) => !targets.accounts.includes(a)) ||
      targets.exclude.ous.some((ou) => !targets.ous.includes(ou)));
  return {
    principals,
    wider: excludedInside
      ? 'exclusions inside a shared OU cannot be expressed in RAM: excluded accounts can read the pointer, not launch or pull the image'
      : undefined,
  };
}

/** One IAM policy statement as ECR repository policies hold them. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  [key: string]: unknown;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** The actions a cross-account `docker pull` needs (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html). */
export const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/** Goldsmith's statements carry this Sid prefix; statements without it are someone else's and are kept. */
export const PULL_SID_PREFIX = 'GoldsmithPull';

/** `prod-eu` → `GoldsmithPullProdEu`: a Sid allows letters and digits only. */
export function pullSid(channel: string, suffix = ''): string {
  // Each character a Sid cannot hold splits a word; the empty words between two of them add nothing.
  const words = channel.split(/[^A-Za-z0-9]/);
  return `${PULL_SID_PREFIX}${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}${suffix}`;
}

/** `aws:PrincipalOrgPaths` pattern for an OU and every OU below it, wherever it sits under the root. */
export function orgPathPattern(orgId: string, ou: string): string {
  return `${orgId}/*/${ou}/*`;
}

/**
 * The repository policy statements that let a channel's targets pull: by organization path for OUs
 * (`aws:PrincipalOrgPaths`, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths),
 * by `aws:PrincipalAccount` for named accounts, by `aws:PrincipalOrgID` alone for the whole organization, each excluding the channel's excluded accounts and OUs, and always
 * inside the organization (`aws:PrincipalOrgID`). `accounts` are the resolved accounts that cannot be expressed by
 * path (explicit accounts, accounts selected by tag).
 */
export function pullStatements(
  channel: string,
  targets: Pick<TargetSpec, 'organization' | 'ous' | 'exclude'>,
  accounts: readonly string[],
  orgId: string,
): PolicyStatement[] {
  const excludedAccounts = [...new Set(targets.exclude.accounts)].sort();
  const excludedOus = [...new Set(targets.exclude.ous)].sort();
  const exclusions: Record<string, Record<string, string[]>> = {};
  if (excludedAccounts.length > 0) exclusions.StringNotEquals = { 'aws:PrincipalAccount': excludedAccounts };
  if (excludedOus.length > 0) {
    exclusions['ForAllValues:StringNotLike'] = {
      'aws:PrincipalOrgPaths': excludedOus.map((ou) => orgPathPattern(orgId, ou)),
    };
  }
  const statements: PolicyStatement[] = [];
  if (targets.organization) {
    // The whole organization: one statement on its id; named accounts add nothing it does not already reach.
    statements.push({
      Sid: pullSid(channel, 'Organization'),
      Effect: 'Allow',
      Principal: '*',
      Action: PULL_ACTIONS,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId }, ...exclusions },
    });
    return statements;
  }
  const ous = [...new Set(targets.ous.filter((ou) => !excludedOus.includes(ou)))].sort();
  if (ous.length > 0) {
    statements.push({
      Sid: pullSid(channel, 'Ous'),
      Effect: 'Allow',
      Principal: '*',
      Action: PULL_ACTIONS,
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': orgId },
        'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ous.map((ou) => orgPathPattern(orgId, ou)) },
        ...exclusions,
      },
    });
  }
  const named = [...new Set(accounts.filter((a) => !excludedAccounts.includes(a)))].sort();
  if (named.length > 0) {
    statements.push({
      Sid: pullSid(channel, 'Accounts'),
      Effect: 'Allow',
      Principal: '*',
      Action: PULL_ACTIONS,
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': orgId, 'aws:PrincipalAccount': named },
        ...(excludedOus.length > 0 ? { 'ForAllValues:StringNotLike': exclusions['ForAllValues:StringNotLike']! } : {}),
      },
    });
  }
  return statements;
}

/**
 * A repository policy with a channel's pull statements replaced by `statements`: every other statement (other
 * channels', or anyone else's) is kept in place. Returns undefined when nothing would change, so the caller makes no
 * call.
 */
export function withChannelStatements(
  current: PolicyDocument | undefined,
  channel: string,
  statements: readonly PolicyStatement[],
): PolicyDocument | undefined {
  const prefix = pullSid(channel);
  const own = (s: PolicyStatement) =>
    s.Sid === `${prefix}Ous` || s.Sid === `${prefix}Accounts` || s.Sid === `${prefix}Organization`;
  const kept = (current?.Statement ?? []).filter((s) => !own(s));
  const next: PolicyDocument = { Version: current?.Version ?? '2012-10-17', Statement: [...kept, ...statements] };
  const before = JSON.stringify((current?.Statement ?? []).filter(own));
  if (current && before === JSON.stringify(statements)) return undefined;
  if (!current && statements.length === 0) return undefined;
  return next;
}
