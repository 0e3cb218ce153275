import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { makeClient } from './registry.js';

/** The cached CloudFormation client for `region` (default: the function's own region). */
export function cloudFormationClient(region?: string): CloudFormationClient {
  return makeClient('cloudformation', CloudFormationClient, region);
}
