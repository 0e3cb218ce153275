import { LambdaClient } from '@aws-sdk/client-lambda';
import { makeClient } from './registry.js';

/** The cached Lambda client for `region` (default: the function's own region). */
export function lambdaClient(region?: string): LambdaClient {
  return makeClient('lambda', LambdaClient, region);
}
