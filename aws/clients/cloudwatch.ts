import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { type ClientIdentity, makeClient } from './registry.js';

/** The cached CloudWatch client for `region`, acting as `identity` (a member account's role) when given. */
export function cloudWatchClient(region?: string, identity?: ClientIdentity): CloudWatchClient {
  return makeClient('cloudwatch', CloudWatchClient, region, identity);
}
