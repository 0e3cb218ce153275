import { randomBytes } from 'node:crypto';
import { PutSecretValueCommand, ResourceExistsException } from '@aws-sdk/client-secrets-manager';
import { secretsmanagerClient } from '../clients/secretsmanager.js';
import { resetApprovalSecret } from './approval-secret.js';

/** A signing key's new value: 64 characters of [A-Za-z0-9] (what the stacks generate), from 384 random bits. */
export function newKeyValue(): string {
  return randomBytes(48)
    .toString('base64url')
    .replace(/[-_]/g, (c) => (c === '-' ? 'A' : 'z'));
}

/**
 * Puts a new value into the secret `name`. Secrets Manager makes it AWSCURRENT and moves AWSPREVIOUS to the version
 * AWSCURRENT left (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html: "If you
 * specify AWSCURRENT, and it is already attached to another version, then Secrets Manager also moves the staging
 * label AWSPREVIOUS to the version that AWSCURRENT was removed from"), so what the old value signed stays verifiable.
 * `versionId` (the ClientRequestToken, 32 to 64 characters) makes a retried request a no-op: a version with that id
 * already holds the value this request put before ("If a version with this value already exists and that version's
 * SecretString … values are different from those in the request, then the request fails": ResourceExistsException).
 * @returns whether this call made the version (false: a retry found it made).
 */
export async function putNewKeyValue(name: string, versionId: string): Promise<boolean> {
  try {
    await secretsmanagerClient().send(
      new PutSecretValueCommand({ SecretId: name, SecretString: newKeyValue(), ClientRequestToken: versionId }),
    );
    return true;
  } catch (error) {
    if (error instanceof ResourceExistsException) return false;
    throw error;
  } finally {
    // This container reads the new current version at once.
    resetApprovalSecret();
  }
}
