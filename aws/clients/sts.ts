import { STSClient } from '@aws-sdk/client-sts';
import { makeClient } from './registry.js';

/** The cached STS client for `region` (default: the function's own region). */
export function stsClient(region?: string): STSClient {
  return makeClient('sts', STSClient, region);
}
