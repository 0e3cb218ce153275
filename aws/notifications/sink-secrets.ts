import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { secretsmanagerClient } from '../clients/secretsmanager.js';

/**
 * The chat sinks' secrets (a Teams webhook URL, each signed webhook's key): JSON secrets read at run time through
 * Powertools, cached for five minutes so a rotation reaches warm functions soon; never an environment variable.
 */

let provider: SecretsProvider | undefined;

/** Forgets the cached values and client (the local cloud, between runs). */
export function forgetSinkSecrets(): void {
  provider = undefined;
}

/**
 * The string field `field` of JSON secret `name`.
 * @throws naming the secret and the shape it must have, when the field is missing or `valid` refuses it.
 */
export async function secretField(
  name: string,
  field: string,
  valid: (value: string) => boolean,
  shape: string,
): Promise<string> {
  provider ??= new SecretsProvider({ awsSdkV3Client: secretsmanagerClient() });
  const value = (await provider.get(name, { maxAge: 300, transform: 'json' })) as Record<string, unknown> | undefined;
  const found = value?.[field];
  if (typeof found !== 'string' || !valid(found)) throw new Error(`secret ${name} must be JSON ${shape}`);
  return found;
}
