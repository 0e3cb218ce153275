import { DescribeOrganizationCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { OrganizationRef } from '../../core/promotion/consumer-access.js';
import { organizationsClient } from '../clients/organizations.js';

/** Per client, so a reconfigured client set (the local cloud between runs) asks again. */
const cache = new WeakMap<OrganizationsClient, Promise<OrganizationRef>>();
/** What DescribeOrganization answered, per client, once it has. */
const answered = new WeakMap<OrganizationsClient, OrganizationRef>();

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
      const ref = { id, managementAccountId };
      answered.set(client, ref);
      return ref;
    })
    .catch((err: unknown) => {
      cache.delete(client);
      throw err;
    });
  cache.set(client, asked);
  return asked;
}

/** The organization this container holds for the current client (a warm container's state), if it asked yet. */
export function heldOrganizationRef(): OrganizationRef | undefined {
  return answered.get(organizationsClient());
}

/** Holds `ref` for the current client, as a container that already asked would. */
export function holdOrganizationRef(ref: OrganizationRef): void {
  const client = organizationsClient();
  answered.set(client, ref);
  cache.set(client, Promise.resolve(ref));
}
