import { IAMClient } from '@aws-sdk/client-iam';
import { makeClient } from './registry.js';

/**
 * The cached IAM client. IAM is global: in the `aws` partition every Region's client calls the one endpoint
 * (https://docs.aws.amazon.com/general/latest/gr/iam-service.html), so the function's own Region serves.
 */
export function iamClient(region?: string): IAMClient {
  return makeClient('iam', IAMClient, region);
}
