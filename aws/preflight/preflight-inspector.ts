import { DescribeOrganizationConfigurationCommand } from '@aws-sdk/client-inspector2';
import { paginateListDelegatedAdministrators } from '@aws-sdk/client-organizations';
import type { Catalog } from '../../core/config/schema.js';
import { inspector2Client } from '../clients/inspector2.js';
import { organizationsClient } from '../clients/organizations.js';
import type { PreflightCheck } from './preflight-check.js';
import { said } from './preflight-errors.js';

/** Inspector's service principal in Organizations (its delegated administrator is registered under it). */
export const INSPECTOR_PRINCIPAL = 'inspector2.amazonaws.com';

/**
 * Whether the account the catalog expects to be Inspector's delegated administrator is the one the organization
 * registered (`organization.inspectorAdministrator`, else the factory itself): on-finding reads members' findings
 * only from that account (docs/deploy/inspector-findings.md). Organizations' ListDelegatedAdministrators
 * for Inspector's service principal, which the management account or any delegated administrator may call
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListDelegatedAdministrators.html); one account
 * for the whole organization (https://docs.aws.amazon.com/inspector/latest/user/designating-admin.html). Read-only.
 */
export async function inspectorAdministratorCheck(catalog: Catalog, factoryAccount: string): Promise<PreflightCheck> {
  const name = 'Inspector delegated administrator';
  const expected = catalog.organization.inspectorAdministrator ?? factoryAccount;
  const who =
    expected === factoryAccount ? `the factory account ${factoryAccount}` : `the security account ${expected}`;
  const admins: string[] = [];
  try {
    for await (const page of paginateListDelegatedAdministrators(
      { client: organizationsClient() },
      { ServicePrincipal: INSPECTOR_PRINCIPAL },
    )) {
      for (const a of page.DelegatedAdministrators ?? []) if (a.Id) admins.push(a.Id);
    }
  } catch (error) {
    return { name, status: 'not checked', detail: `cannot list Inspector's delegated administrator (${said(error)})` };
  }
  if (admins.includes(expected)) {
    const role =
      expected === factoryAccount
        ? ''
        : `; it must hold goldsmith-<stage>-inspector-findings (docs/templates/inspector-findings-role.json)`;
    return { name, status: 'ok', detail: `${who}, as the catalog says${role}` };
  }
  const actual = admins[0];
  const fix =
    actual === undefined
      ? `none is designated: from the management account, run \`aws inspector2 enable-delegated-admin-account --delegated-admin-account-id ${expected} --region <region>\` in every distribution Region`
      : actual === factoryAccount
        ? `it is the factory account ${actual}: leave organization.inspectorAdministrator out of the catalog`
        : `it is ${actual}: set organization.inspectorAdministrator to ${actual} and deploy the findings role there (docs/deploy/inspector-findings.md, set-up b)`;
  return { name, status: 'missing', detail: `the catalog expects ${who}, but ${fix}` };
}

/**
 * Whether Inspector scans the members at all: designating a delegated administrator activates no member, so unless
 * its organization configuration turns EC2 scanning on for accounts that join, a member's instances are never
 * scanned and no member finding ever reaches on-finding. DescribeOrganizationConfiguration, per AMI Region, only the
 * administrator may call (https://docs.aws.amazon.com/inspector/v2/APIReference/API_DescribeOrganizationConfiguration.html).
 * Where a security account administers Inspector, that account's to check.
 */
export async function inspectorMembersCheck(
  catalog: Catalog,
  factoryAccount: string,
  regions: readonly string[],
): Promise<PreflightCheck> {
  const name = 'Inspector scanning of members';
  const admin = catalog.organization.inspectorAdministrator;
  if (admin !== undefined && admin !== factoryAccount)
    return {
      name,
      status: 'not checked',
      detail: `the security account ${admin} administers Inspector: there, in ${regions.join(', ')}, \`aws inspector2 describe-organization-configuration\` must show ec2 auto-enabled (docs/deploy/inspector-findings.md)`,
    };
  const read = await Promise.all(
    regions.map(async (region) => {
      try {
        const out = await inspector2Client(region).send(new DescribeOrganizationConfigurationCommand({}));
        return { region, on: out.autoEnable?.ec2 === true };
      } catch (error) {
        return { region, error: said(error) };
      }
    }),
  );
  const off = read.filter((r) => r.on === false).map((r) => r.region);
  if (off.length > 0)
    return {
      name,
      status: 'missing',
      detail: `EC2 scanning is not turned on for members in ${off.join(', ')}: run ${off.map((r) => `\`aws inspector2 update-organization-configuration --auto-enable ec2=true --region ${r}\``).join(', ')}, and \`aws inspector2 enable --resource-types EC2 --account-ids <members> --region <region>\` for the accounts already there`,
    };
  const unread = read.filter((r) => r.error !== undefined);
  if (unread.length > 0)
    return { name, status: 'not checked', detail: unread.map((r) => `${r.region}: ${r.error}`).join('; ') };
  return { name, status: 'ok', detail: `EC2 scanning turned on for members in ${regions.join(', ')}` };
}
