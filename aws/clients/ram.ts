import { RAMClient } from '@aws-sdk/client-ram';
import { makeClient } from './registry.js';

/** The cached AWS RAM client for `region` (default: the function's own region); RAM is regional. */
export function ramClient(region?: string): RAMClient {
  return makeClient('ram', RAMClient, region);
}
