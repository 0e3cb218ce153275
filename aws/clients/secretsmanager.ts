import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { makeClient } from './registry.js';

/** The cached Secrets Manager client for `region` (default: the function's own region). */
export function secretsmanagerClient(region?: string): SecretsManagerClient {
  return makeClient('secretsmanager', SecretsManagerClient, region);
}
