import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { makeClient } from './registry.js';

/** The cached CloudTrail client for `region` (default: the function's own region). */
export function cloudtrailClient(region?: string): CloudTrailClient {
  return makeClient('cloudtrail', CloudTrailClient, region);
}
