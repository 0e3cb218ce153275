import {
  AccountNotFoundException,
  ChildNotFoundException,
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  OrganizationalUnitNotFoundException,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListParents,
  paginateListRoots,
  paginateListTagsForResource,
} from '@aws-sdk/client-organizations';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { NodeRead } from '../../core/sharing/organization-events.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import { organizationsClient } from '../clients/organizations.js';

/** Parents listed at once: Organizations throttles per account, so a few in flight is as fast as many. */
const LIST_CONCURRENCY = 4;

/**
 * Reads the organization's tree from AWS Organizations: the root, every OU below it (nested, breadth first), every
 * account with its parent and state, and, when `withTags`, every account's tags. Every listing is paginated.
 * Needs the management account or a delegated administrator (`organizations:List*`, `DescribeOrganization`).
 * An account's `State` is read where Organizations returns it, else its older `Status`.
 */
export async function readOrganizationTree(options: { withTags: boolean }): Promise<OrgTree> {
  const client = organizationsClient();
  const org = await client.send(new DescribeOrganizationCommand({}));
  const organizationArn = org.Organization?.Arn;
  if (!organizationArn) throw new Error('DescribeOrganization returned no organization ARN');
  let rootId: string | undefined;
  for await (const page of paginateListRoots({ client }, {})) rootId ??= page.Roots?.[0]?.Id;
  if (!rootId) throw new Error('ListRoots returned no root');

  const ous = new Map<string, { arn: string; parentId: string; name?: string }>();
  const accounts = new Map<string, { parentId: string; state: string; tags?: Record<string, string> }>();
  let level = [rootId];
  while (level.length > 0) {
    const found = await mapWithConcurrency(level, LIST_CONCURRENCY, async (parentId) => {
      const children: string[] = [];
      for await (const page of paginateListOrganizationalUnitsForParent({ client }, { ParentId: parentId })) {
        for (const ou of page.OrganizationalUnits ?? []) {
          if (!ou.Id || !ou.Arn) continue;
          ous.set(ou.Id, { arn: ou.Arn, parentId, ...(ou.Name !== undefined && { name: ou.Name }) });
          children.push(ou.Id);
        }
      }
      for await (const page of paginateListAccountsForParent({ client }, { ParentId: parentId })) {
        for (const a of page.Accounts ?? []) {
          if (a.Id) accounts.set(a.Id, { parentId, state: String(a.State ?? a.Status ?? 'ACTIVE') });
        }
      }
      return children;
    });
    level = found.flat();
  }

  if (options.withTags) {
    await mapWithConcurrency([...accounts.keys()], LIST_CONCURRENCY, async (id) => {
      const tags: Record<string, string> = {};
      for await (const page of paginateListTagsForResource({ client }, { ResourceId: id })) {
        for (const t of page.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
      }
      accounts.get(id)!.tags = tags;
    });
  }
  return { organizationArn, rootId, ous, accounts, tagsRead: options.withTags };
}

/**
 * Reads one account or OU back from Organizations: an account's parent (ListParents), state (DescribeAccount) and,
 * when `withTags`, its tags; an OU's parent and name (DescribeOrganizationalUnit). A node Organizations no longer
 * has (AccountNotFoundException, OrganizationalUnitNotFoundException, ChildNotFoundException) is `gone`.
 */
export async function readOrganizationNode(id: string, options: { withTags: boolean }): Promise<NodeRead> {
  const client = organizationsClient();
  try {
    let parentId: string | undefined;
    for await (const page of paginateListParents({ client }, { ChildId: id })) parentId ??= page.Parents?.[0]?.Id;
    if (!parentId) return { kind: 'gone', id };
    if (id.startsWith('ou-')) {
      const out = await client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: id }));
      const ou = out.OrganizationalUnit;
      if (!ou?.Arn) return { kind: 'gone', id };
      return { kind: 'ou', id, arn: ou.Arn, parentId, ...(ou.Name !== undefined && { name: ou.Name }) };
    }
    const out = await client.send(new DescribeAccountCommand({ AccountId: id }));
    const state = String(out.Account?.State ?? out.Account?.Status ?? 'ACTIVE');
    if (!options.withTags) return { kind: 'account', id, parentId, state };
    const tags: Record<string, string> = {};
    for await (const page of paginateListTagsForResource({ client }, { ResourceId: id })) {
      for (const t of page.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
    }
    return { kind: 'account', id, parentId, state, tags };
  } catch (error) {
    if (
      error instanceof AccountNotFoundException ||
      error instanceof OrganizationalUnitNotFoundException ||
      error instanceof ChildNotFoundException
    )
      return { kind: 'gone', id };
    throw error;
  }
}
