import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { secretsmanagerClient } from './clients/secretsmanager.js';

let provider: SecretsProvider | undefined;

/**
 * The approval links' HMAC secret (Secrets Manager, env `APPROVAL_SECRET_NAME`), cached by Powertools for five
 * minutes so a rotation reaches warm functions soon. The provider uses our client, so the local cloud's fakes apply.
 */
export async function approvalSecret(): Promise<string> {
  const name = process.env.APPROVAL_SECRET_NAME;
  if (!name) throw new Error('APPROVAL_SECRET_NAME is not set');
  provider ??= new SecretsProvider({ awsSdkV3Client: secretsmanagerClient() });
  const value = await provider.get(name, { maxAge: 300 });
  if (typeof value !== 'string' || value.length < 32) {
    throw new Error(`secret ${name} must be a string of at least 32 characters`);
  }
  return value;
}

/** Forgets the cached provider (tests, and the local cloud after it reconfigures clients). */
export function resetApprovalSecret(): void {
  provider = undefined;
}
