import { ECRClient } from '@aws-sdk/client-ecr';
import { makeClient } from './registry.js';

/** The cached ECR client for `region` (default: the function's own region). */
export function ecrClient(region?: string): ECRClient {
  return makeClient('ecr', ECRClient, region);
}
