import { SSMClient } from '@aws-sdk/client-ssm';
import { makeClient } from './registry.js';

/** The cached SSM client for `region` (default: the function's own region). */
export function ssmClient(region?: string): SSMClient {
  return makeClient('ssm', SSMClient, region);
}
