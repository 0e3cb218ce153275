import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { makeClient } from './registry.js';

/** The cached Organizations client for `region` (default: the function's own region). */
export function organizationsClient(region?: string): OrganizationsClient {
  return makeClient('organizations', OrganizationsClient, region);
}
