import { DescribeAccountCommand, paginateListParents } from '@aws-sdk/client-organizations';
import type { OrgTree } from '../../core/sharing/targets.js';
import { organizationsClient } from '../clients/organizations.js';
import { baselineInstances } from '../sharing/baseline-instances.js';

/**
 * What AWS itself says of an account whose AMI key grant the ledger's copy of the organization no longer serves,
 * before the grants auditor revokes it (functions/audit/key-grants.ts): the ledger's copy lags AWS (a joiner is in
 * the organization, and has its baseline stack and grant, before organization-sync has read it).
 */

/** How deep OUs nest under the root: at most five levels (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html). */
const OU_DEPTH = 5;

/** Organizations' answer for an account or OU it does not have. */
const NOT_FOUND = new Set(['AccountNotFoundException', 'ChildNotFoundException']);

/** The one parent of an account or OU (ListParents, every page: a page may be empty and name a next one). */
async function parentOf(child: string): Promise<string | undefined> {
  let parent: string | undefined;
  for await (const page of paginateListParents({ client: organizationsClient() }, { ChildId: child }))
    parent ??= page.Parents?.[0]?.Id;
  return parent;
}

/**
 * The account as Organizations holds it now, with each OU above it up to the root: DescribeAccount (its `State`, else
 * the older `Status`) and ListParents for the account and each OU above it
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html), as a tree holding that path
 * only. `gone`: Organizations does not have the account (AccountNotFoundException, ChildNotFoundException).
 */
export async function accountPathNow(account: string, organizationArn: string): Promise<OrgTree | 'gone'> {
  try {
    const described = await organizationsClient().send(new DescribeAccountCommand({ AccountId: account }));
    const state = String(described.Account?.State ?? described.Account?.Status ?? 'ACTIVE');
    const accountParent = await parentOf(account);
    if (!accountParent) return 'gone';
    const ous = new Map<string, { arn: string; parentId: string }>();
    let parent = accountParent;
    for (let level = 0; level < OU_DEPTH && parent.startsWith('ou-'); level++) {
      const above = await parentOf(parent);
      if (!above) break;
      ous.set(parent, { arn: `${organizationArn.replace(':organization/', ':ou/')}/${parent}`, parentId: above });
      parent = above;
    }
    const accounts = new Map([[account, { parentId: accountParent, state }]]);
    return { organizationArn, rootId: parent.startsWith('r-') ? parent : '', ous, accounts, tagsRead: false };
  } catch (error) {
    if (error instanceof Error && NOT_FOUND.has(error.name)) return 'gone';
    throw error;
  }
}

/** The member baseline's StackSet, and how the factory calls as its administrator. */
export interface BaselineStackSet {
  stackSetName: string;
  callAs: 'SELF' | 'DELEGATED_ADMIN';
}

/**
 * The member baseline's stack instances of `account` in `region`, as StackSets lists them now (ListStackInstances
 * filtered by account and Region, every page: aws/sharing/baseline-instances.ts), each with its status and StackId. An
 * instance's stack holds the account's grant in that Region (named after the stack's id) and retires it when it is
 * deleted.
 */
export async function baselineInstancesOf(
  stackSet: BaselineStackSet,
  account: string,
  region: string,
): Promise<{ status: string; detailed?: string; stackId?: string }[]> {
  return (await baselineInstances(stackSet, account, region)).map((s) => {
    const detailed = s.StackInstanceStatus?.DetailedStatus;
    return {
      status: String(s.Status ?? ''),
      ...(detailed !== undefined && { detailed: String(detailed) }),
      ...(s.StackId && { stackId: s.StackId }),
    };
  });
}
