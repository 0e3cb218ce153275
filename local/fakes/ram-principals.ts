import { MalformedArnException, OperationNotPermittedException, UnknownResourceException } from '@aws-sdk/client-ram';
import type { OrganizationsFake } from './organizations.js';
import { err, invalid, type ResourceShare } from './ram-types.js';

/** The RAM fake's principals and resources: validating what goes into a share, and the accounts a principal names. */

export const ACCOUNT = /^\d{12}$/;
const ORG_ARN = /^arn:aws:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN = /^arn:aws:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;

/** Whether a resource ARN can go into a share: it exists, and its type is shareable in that state. */
export type ResourceCheck = (
  arn: string,
  region: string,
) => { ok: true } | { ok: false; unknown: boolean; reason: string };

/** What validating a share's entities needs from the fake. */
export interface ValidationContext {
  readonly organizations: OrganizationsFake;
  readonly checkResource: ResourceCheck;
  readonly sharingWithOrganization: boolean;
}

export function validateShareEntities(
  region: string,
  resources: string[],
  principals: string[],
  ctx: ValidationContext,
): void {
  for (const arn of resources) {
    if (!/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+/.test(arn))
      throw err(MalformedArnException, `The ARN ${arn} is malformed.`);
    const check = ctx.checkResource(arn, region);
    if (!check.ok) {
      throw check.unknown ? err(UnknownResourceException, check.reason) : invalid(check.reason);
    }
  }
  for (const p of principals) {
    const orgLevel = ORG_ARN.test(p) || OU_ARN.test(p);
    if (!orgLevel && !ACCOUNT.test(p)) throw err(MalformedArnException, `The principal ${p} is malformed.`);
    if (orgLevel && !ctx.sharingWithOrganization) {
      throw err(OperationNotPermittedException, 'Sharing with AWS Organizations is not enabled for this account.');
    }
    if (ORG_ARN.test(p) && p !== ctx.organizations.organizationArn())
      throw err(UnknownResourceException, `Organization ${p} was not found.`);
    if (OU_ARN.test(p) && !ouExists(p, ctx.organizations))
      throw err(UnknownResourceException, `OU ${p} was not found.`);
  }
}

export function accountsOf(principal: string, organizations: OrganizationsFake): readonly string[] {
  if (ACCOUNT.test(principal)) return [principal];
  if (principal === organizations.organizationArn()) return organizations.accountIds();
  const ou = /\/(ou-[a-z0-9-]+)$/.exec(principal)?.[1];
  return ou && principal === organizations.ouArn(ou) ? organizations.accountsUnder(ou) : [];
}

/** The accounts the shares' ASSOCIATED principals reach. */
export function accountsOfShares(shares: readonly ResourceShare[], organizations: OrganizationsFake): Set<string> {
  const out = new Set<string>();
  for (const share of shares) {
    for (const p of share.principals.values()) {
      if (p.status !== 'ASSOCIATED') continue;
      for (const account of accountsOf(p.entity, organizations)) out.add(account);
    }
  }
  return out;
}

function ouExists(arn: string, organizations: OrganizationsFake): boolean {
  const ou = /\/(ou-[a-z0-9-]+)$/.exec(arn)?.[1];
  return !!ou && arn === organizations.ouArn(ou) && organizations.ancestors(ou).length > 0;
}
