/**
 * Launch grants: one entry of an AMI's launch permission list, in the shape EC2's `LaunchPermission` has (exactly
 * one of the fields set), so the AWS edge passes them through unchanged. Pure: no SDK types.
 */
export type LaunchGrant =
  | { readonly OrganizationArn: string }
  | { readonly OrganizationalUnitArn: string }
  | { readonly UserId: string }
  /** Public: never desired by Goldsmith, but it can be found in force and must then be removed. */
  | { readonly Group: 'all' };

/** A stable identity for a grant, used to compare what is in force with what is wanted. */
export function grantKey(g: LaunchGrant): string {
  if ('UserId' in g) return `account:${g.UserId}`;
  if ('OrganizationalUnitArn' in g) return `ou:${g.OrganizationalUnitArn}`;
  if ('OrganizationArn' in g) return `org:${g.OrganizationArn}`;
  return 'group:all';
}

/** Whether a grant names an account id (the kind EC2 counts against its per-request limit). */
export function isAccountGrant(g: LaunchGrant): g is { readonly UserId: string } {
  return 'UserId' in g;
}

/**
 * Reads one entry as EC2 returns it (`DescribeImageAttribute`), where every field is optional: the first one set
 * wins. Undefined for an entry naming nobody.
 */
export function grantFrom(p: {
  UserId?: string | undefined;
  Group?: string | undefined;
  OrganizationArn?: string | undefined;
  OrganizationalUnitArn?: string | undefined;
}): LaunchGrant | undefined {
  if (p.UserId) return { UserId: p.UserId };
  if (p.OrganizationalUnitArn) return { OrganizationalUnitArn: p.OrganizationalUnitArn };
  if (p.OrganizationArn) return { OrganizationArn: p.OrganizationArn };
  if (p.Group === 'all') return { Group: 'all' };
  return undefined;
}

/** Removes duplicates, keeping the first of each and a deterministic order (organization, OUs, accounts). */
export function uniqueGrants(grants: Iterable<LaunchGrant>): LaunchGrant[] {
  const byKey = new Map<string, LaunchGrant>();
  for (const g of grants) if (!byKey.has(grantKey(g))) byKey.set(grantKey(g), g);
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g);
}
