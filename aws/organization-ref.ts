import { DescribeOrganizationCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { OrganizationRef } from '../core/promotion/consumer-access.js';
import { organizationsClient } from './clients/organizations.js';

/** Per client, so a reconfigured client set (the local cloud between runs) asks again. */
const cache = new WeakMap<OrganizationsClient, Promise<OrganizationRef>>();

/**
 * The organization's id and management account (the account its ARNs, and OU ARNs as RAM principals, carry), from
 * DescribeOrganization, once per Lambda container: neither changes while an organization exists.
 */
export function organizationRef(): Promise<OrganizationRef> {
  const client = organizationsClient();
  const cached = cache.get(client);
  if (cached) return cached;
  const asked = client
    .send(new DescribeOrganizationCommand({}))
    .then((out) => {
      const id = out.Organization?.Id;
      const managementAccountId = out.Organization?.MasterAccountId;
      if (!id || !managementAccountId)
        throw new Error('DescribeOrganization returned no organization id or management account');
      return { id, managementAccountId };
    })
    .catch((err: unknown) => {
      cache.delete(client);
      throw err;
    });
  cache.set(client, asked);
  return asked;
}
