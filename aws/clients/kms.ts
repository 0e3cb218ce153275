import { KMSClient } from '@aws-sdk/client-kms';
import { makeClient } from './registry.js';

/** The cached KMS client for `region`. */
export function kmsClient(region?: string): KMSClient {
  return makeClient('kms', KMSClient, region);
}
