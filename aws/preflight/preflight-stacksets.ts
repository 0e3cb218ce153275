import {
  DescribeOrganizationCommand,
  paginateListAWSServiceAccessForOrganization,
  paginateListDelegatedAdministrators,
} from '@aws-sdk/client-organizations';
import type { Catalog } from '../../core/config/schema.js';
import { memberBaselineTargets } from '../../core/sharing/member-baseline.js';
import { organizationsClient } from '../clients/organizations.js';
import type { PreflightCheck } from './preflight-check.js';
import { said, unreadable } from './preflight-errors.js';

/**
 * The member baseline's prerequisites (stacks/MemberBaseline.ts, docs/deploy.md "The member baseline"): StackSets'
 * trusted access with Organizations, and — when the factory is not the management account — its registration as a
 * StackSets delegated administrator. Read-only calls.
 */

/** StackSets' service principal in Organizations (trusted access, delegated administrators). */
export const STACKSETS_PRINCIPAL = 'member.org.stacksets.cloudformation.amazonaws.com';

/** The service principals with trusted access to the organization (management account or a delegated admin). */
export async function enabledServicePrincipals(orgs: ReturnType<typeof organizationsClient>): Promise<string[]> {
  const enabled: string[] = [];
  for await (const page of paginateListAWSServiceAccessForOrganization({ client: orgs }, {})) {
    for (const s of page.EnabledServicePrincipals ?? []) if (s.ServicePrincipal) enabled.push(s.ServicePrincipal);
  }
  return enabled;
}

/**
 * Where the baseline deploys and what it leaves out: StackSets never deploys to the management account
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html), and channels that
 * share with the organization, accounts or account tags are not OU targets.
 */
function coverage(catalog: Catalog, managementAccount: string): PreflightCheck {
  const { ous, regions, uncovered } = memberBaselineTargets(catalog);
  const left = [
    `the management account ${managementAccount} gets no instance (StackSets never deploys there): its groups need the hand-run grant (docs/consumers.md)`,
    ...(uncovered.length > 0
      ? [`channels ${uncovered.join(', ')} also share beyond OUs: those accounts need the hand-run grant`]
      : []),
  ];
  return {
    name: 'member baseline targets',
    status: 'ok',
    detail: `${ous.length} OU(s) × ${regions.length} Region(s): ${ous.join(', ') || 'none'}; ${left.join('; ')}`,
  };
}

/** The member baseline's checks for the caller's account `account`. */
export async function memberBaselineChecks(
  catalog: Catalog,
  account: string,
  region: string,
): Promise<PreflightCheck[]> {
  const { enabled, callAs } = catalog.organization.memberBaseline;
  const name = 'member baseline (StackSets)';
  if (!enabled) return [{ name, status: 'ok', detail: 'turned off in the catalog: members run the grant by hand' }];
  if (memberBaselineTargets(catalog).ous.length === 0)
    return [{ name, status: 'ok', detail: 'no channel names an OU: the stacks define no StackSet' }];
  const orgs = organizationsClient(region);
  const checks: PreflightCheck[] = [];
  let management = '';
  try {
    management = (await orgs.send(new DescribeOrganizationCommand({}))).Organization?.MasterAccountId ?? '';
  } catch (error) {
    return [unreadable(name, 'the organization', ['organizations:DescribeOrganization'], error)];
  }
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html
  try {
    const trusted = (await enabledServicePrincipals(orgs)).includes(STACKSETS_PRINCIPAL);
    checks.push(
      trusted
        ? { name: 'StackSets trusted access', status: 'ok', detail: 'activated with Organizations' }
        : {
            name: 'StackSets trusted access',
            status: 'missing',
            detail:
              'not activated: from the management account, run `aws cloudformation activate-organizations-access` (docs/deploy.md, "The member baseline")',
          },
    );
  } catch (error) {
    // The member baseline's StackSet is refused without it: a failure, as the delegated administrator line is.
    checks.push(
      unreadable(
        'StackSets trusted access',
        "the organization's trusted services",
        ['organizations:ListAWSServiceAccessForOrganization'],
        error,
      ),
    );
  }
  if (callAs === 'SELF') {
    checks.push(
      account === management
        ? { name, status: 'ok', detail: 'deployed from the management account (callAs SELF)' }
        : {
            name,
            status: 'missing',
            detail: `callAs is SELF but ${account} is not the management account (${management}): set organization.memberBaseline.callAs to DELEGATED_ADMIN and register ${account} as a StackSets delegated administrator`,
          },
    );
  } else if (account === management) {
    checks.push({
      name,
      status: 'missing',
      detail: `${account} is the management account: set organization.memberBaseline.callAs to SELF`,
    });
  } else {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
    try {
      const admins: string[] = [];
      for await (const page of paginateListDelegatedAdministrators(
        { client: orgs },
        { ServicePrincipal: STACKSETS_PRINCIPAL },
      )) {
        for (const a of page.DelegatedAdministrators ?? []) if (a.Id) admins.push(a.Id);
      }
      checks.push(
        admins.includes(account)
          ? { name, status: 'ok', detail: `${account} is a StackSets delegated administrator (callAs DELEGATED_ADMIN)` }
          : {
              name,
              status: 'missing',
              detail: `${account} is not a StackSets delegated administrator: from the management account, run \`aws organizations register-delegated-administrator --service-principal ${STACKSETS_PRINCIPAL} --account-id ${account}\``,
            },
      );
    } catch (error) {
      checks.push({
        name,
        status: 'missing',
        detail: `${account} cannot list StackSets' delegated administrators (${said(error)}): it is not one, or its role lacks organizations:ListDelegatedAdministrators (docs/deploy.md)`,
      });
    }
  }
  checks.push(coverage(catalog, management));
  return checks;
}
