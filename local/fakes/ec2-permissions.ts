import type { ErrorMaker } from './common.js';

/** One launch permission entry, as `DescribeImageAttribute` returns it. */
export interface LaunchPermission {
  UserId?: string;
  Group?: 'all';
  OrganizationArn?: string;
  OrganizationalUnitArn?: string;
}

/** What `isLaunchableBy` needs from the organization: the org ARN and the OUs above an account. */
export interface OrgModel {
  organizationArn(): string;
  isMember(accountId: string): boolean;
  /** The ARNs of the OUs (and the root) above an account, at any depth. */
  ouArnsAbove(accountId: string): ReadonlySet<string>;
}

const ORG_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;

export function permissionKey(p: LaunchPermission): string {
  if (p.UserId) return `user:${p.UserId}`;
  if (p.Group) return `group:${p.Group}`;
  if (p.OrganizationArn) return `org:${p.OrganizationArn}`;
  return `ou:${p.OrganizationalUnitArn}`;
}

/** Validates one entry the way EC2 does: one kind per entry, 12-digit account ids, group "all", well-formed ARNs. */
export function checkPermission(p: LaunchPermission, err: ErrorMaker): LaunchPermission {
  const kinds = [p.UserId, p.Group, p.OrganizationArn, p.OrganizationalUnitArn].filter((v) => v !== undefined);
  if (kinds.length !== 1)
    throw err('InvalidParameterCombination', 'Each launch permission must name exactly one grantee.');
  if (p.UserId !== undefined && !/^\d{12}$/.test(p.UserId)) {
    throw err('InvalidAMIAttributeItemValue', `Invalid attribute item value "${p.UserId}" for userId item type.`);
  }
  if (p.Group !== undefined && p.Group !== 'all') {
    throw err('InvalidAMIAttributeItemValue', `Invalid attribute item value "${String(p.Group)}" for group item type.`);
  }
  if (p.OrganizationArn !== undefined && !ORG_ARN.test(p.OrganizationArn)) {
    throw err('InvalidParameterValue', `Invalid organization ARN: ${p.OrganizationArn}`);
  }
  if (p.OrganizationalUnitArn !== undefined && !OU_ARN.test(p.OrganizationalUnitArn)) {
    throw err('InvalidParameterValue', `Invalid organizational unit ARN: ${p.OrganizationalUnitArn}`);
  }
  return p;
}

/**
 * Reads both request forms of ModifyImageAttribute / ModifySnapshotAttribute: the structured
 * `LaunchPermission: { Add, Remove }` and the flat `OperationType` + `UserIds` / `UserGroups` / ARNs lists.
 */
export function permissionChanges(
  input: Record<string, unknown>,
  structured: unknown,
): { add: LaunchPermission[]; remove: LaunchPermission[] } {
  const s = (structured ?? {}) as { Add?: LaunchPermission[]; Remove?: LaunchPermission[] };
  const add = [...(s.Add ?? [])];
  const remove = [...(s.Remove ?? [])];
  const flat: LaunchPermission[] = [
    ...((input.UserIds as string[] | undefined) ?? []).map((UserId) => ({ UserId })),
    ...((input.UserGroups as string[] | undefined) ?? (input.GroupNames as string[] | undefined) ?? []).map((g) => ({
      Group: g as 'all',
    })),
    ...((input.OrganizationArns as string[] | undefined) ?? []).map((OrganizationArn) => ({ OrganizationArn })),
    ...((input.OrganizationalUnitArns as string[] | undefined) ?? []).map((OrganizationalUnitArn) => ({
      OrganizationalUnitArn,
    })),
  ];
  if (input.OperationType === 'remove') remove.push(...flat);
  else add.push(...flat);
  return { add, remove };
}

/** Applies removals then additions, without duplicates, keeping insertion order. */
export function applyChanges(
  current: Map<string, LaunchPermission>,
  changes: { add: LaunchPermission[]; remove: LaunchPermission[] },
): void {
  for (const p of changes.remove) current.delete(permissionKey(p));
  for (const p of changes.add) current.set(permissionKey(p), { ...p });
}

/**
 * EC2's AMI sharing quota, per AMI and Region: the organizations, OUs and accounts in its launch permissions
 * (public access is no entity; an organization's or OU's accounts do not count). Default 1,000
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-quotas.html). EC2 answers its AMI quotas with
 * `ResourceLimitExceeded` and a sentence naming the quota and the way out (worded here as EC2 words the public AMIs
 * quota's, quoted in https://github.com/iterative/studio-selfhosted/pull/90); the request changes nothing. Snapshots'
 * createVolumePermission has no such quota documented (only 500 modifications a request).
 */
export const AMI_SHARING_QUOTA = 1_000;

/** Applies a launch permission change unless it would leave more entities than the AMI sharing quota allows. */
export function applyLaunchPermissionChanges(
  current: Map<string, LaunchPermission>,
  changes: { add: LaunchPermission[]; remove: LaunchPermission[] },
  err: ErrorMaker,
  quota = AMI_SHARING_QUOTA,
): void {
  const after = new Map(current);
  applyChanges(after, changes);
  const entities = [...after.values()].filter((p) => p.Group === undefined).length;
  if (entities > quota) {
    throw err(
      'ResourceLimitExceeded',
      `You have reached your quota of ${quota} for the number of entities that an image can be shared with in this Region. Share the image with an organization or organizational unit instead of individual accounts, or request an increase in your AMI sharing quota.`,
    );
  }
  applyChanges(current, changes);
}

/**
 * Whether an account may launch an AMI given its owner and launch permissions: the owner, public AMIs, a named
 * account, the account's organization, or an OU that contains the account at any depth.
 */
export function permits(
  ownerId: string,
  permissions: Iterable<LaunchPermission>,
  accountId: string,
  org: OrgModel | undefined,
): boolean {
  if (ownerId === accountId) return true;
  const member = org?.isMember(accountId) ? org : undefined;
  const organizationArn = member?.organizationArn();
  for (const p of permissions) {
    if (p.Group === 'all' || p.UserId === accountId) return true;
    if (member && p.OrganizationArn === organizationArn) return true;
    if (member && p.OrganizationalUnitArn && member.ouArnsAbove(accountId).has(p.OrganizationalUnitArn)) return true;
  }
  return false;
}
