import { paginateListDelegatedAdministrators } from '@aws-sdk/client-organizations';
import type { Catalog } from '../core/config/schema.js';
import { organizationsClient } from './clients/organizations.js';
import type { PreflightCheck } from './preflight.js';

/** Inspector's service principal in Organizations (its delegated administrator is registered under it). */
export const INSPECTOR_PRINCIPAL = 'inspector2.amazonaws.com';

const said = (error: unknown) =>
  `${error instanceof Error ? error.name : String(error)}: ${error instanceof Error ? error.message : ''}`.trim();

/**
 * Whether the account the catalog expects to be Inspector's delegated administrator is the one the organization
 * registered (`organization.inspectorAdministrator`, else the factory itself): on-finding reads members' findings
 * only from that account (docs/deploy.md, "Findings from every Region"). Organizations' ListDelegatedAdministrators
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
        : `it is ${actual}: set organization.inspectorAdministrator to ${actual} and deploy the findings role there (docs/deploy.md, set-up b)`;
  return { name, status: 'missing', detail: `the catalog expects ${who}, but ${fix}` };
}
