import { DescribeSecretCommand, GetResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import type { Catalog } from '../../core/config/schema.js';
import { SINKS, type Sink } from '../../core/notifications/sinks.js';
import { sinkSecretPolicyGaps } from '../../core/preflight/sink-secret-policy.js';
import { secretsmanagerClient } from '../clients/secretsmanager.js';
import type { PreflightCheck } from './preflight-check.js';
import { nameOf, said } from './preflight-errors.js';

/** The chat sinks' secrets, as preflight checks them: each exists; with a deployed stage, its policy is in force. */

async function secretCheck(
  name: string,
  secretName: string,
  region: string,
  shape: string,
  stage: string | undefined,
): Promise<PreflightCheck> {
  let arn: string;
  try {
    const out = await secretsmanagerClient(region).send(new DescribeSecretCommand({ SecretId: secretName }));
    arn = out.ARN ?? secretName;
  } catch (error) {
    return nameOf(error) === 'ResourceNotFoundException'
      ? {
          name,
          status: 'missing',
          detail: `no secret ${secretName} in ${region}: create it with ${shape} (docs/deploy.md, "Secrets")`,
        }
      : { name, status: 'not checked', detail: said(error) };
  }
  // Before a stage is deployed the secret has no policy yet: the deploy attaches it.
  if (stage === undefined) return { name, status: 'ok', detail: `${secretName} exists in ${region}` };
  try {
    const out = await secretsmanagerClient(region).send(new GetResourcePolicyCommand({ SecretId: secretName }));
    const account = arn.split(':')[4] ?? '';
    const open = sinkSecretPolicyGaps(out.ResourcePolicy, arn, account);
    return open.length === 0
      ? { name, status: 'ok', detail: `${secretName} exists in ${region}; its policy keeps it to Goldsmith` }
      : {
          name,
          status: 'missing',
          detail: `${secretName}'s resource policy ${out.ResourcePolicy ? 'leaves' : 'is missing: it leaves'} ${open.join(', ')} open to principals outside Goldsmith (a reader of a webhook's key signs deliveries its receiver accepts): deploy stage ${stage}, whose stacks attach it (docs/notifications-sinks.md, "The secrets")`,
        };
  } catch (error) {
    return { name, status: 'not checked', detail: `${secretName} exists in ${region}; its policy: ${said(error)}` };
  }
}

/**
 * Each configured sink's secret (core/notifications/sinks.ts): its relay reads it at run time, so it must exist; with
 * a deployed `stage`, its resource policy must keep it to Goldsmith (core/preflight/sink-secret-policy.ts).
 */
export async function sinkSecretChecks(
  catalog: Catalog,
  region: string,
  sinks: readonly Sink[] = SINKS,
  stage?: string,
): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  for (const sink of sinks) {
    const names = sink.secret?.names(catalog.notifications) ?? [];
    for (const secretName of names) {
      const name = names.length > 1 ? `${sink.label} secret ${secretName}` : `${sink.label} secret`;
      checks.push(await secretCheck(name, secretName, region, sink.secret?.shape ?? '', stage));
    }
  }
  return checks;
}
