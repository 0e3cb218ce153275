import { SFNClient } from '@aws-sdk/client-sfn';
import { makeClient } from './registry.js';

/** The cached Step Functions client for `region` (default: the function's own region). */
export function sfnClient(region?: string): SFNClient {
  return makeClient('sfn', SFNClient, region);
}
