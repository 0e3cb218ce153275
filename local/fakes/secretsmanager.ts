import { ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';

/** Secrets Manager: secrets created from the stacks' secret resources; GetSecretValue by name or ARN. */
export class SecretsManagerFake implements FakeService {
  private readonly secrets = new Map<string, { arn: string; value: string; created: Date }>();

  constructor(private readonly accountId: string) {}

  create(name: string, value: string, region = 'us-east-1'): void {
    const arn = `arn:aws:secretsmanager:${region}:${this.accountId}:secret:${name}-AbCdEf`;
    this.secrets.set(name, { arn, value, created: new Date() });
  }

  /** The current value (the simulator signs approval links with it). */
  value(name: string): string | undefined {
    return this.find(name)?.value;
  }

  private find(id: string): { name: string; arn: string; value: string; created: Date } | undefined {
    for (const [name, s] of this.secrets) {
      if (name === id || s.arn === id || id.startsWith(`${s.arn.slice(0, -7)}`)) return { name, ...s };
    }
    return undefined;
  }

  handle(call: FakeCall): unknown {
    if (call.action !== 'GetSecretValue') throw new NotImplementedByFakeError('secretsmanager', call.action);
    const id = String(call.input.SecretId ?? '');
    const secret = this.find(id);
    if (!secret) {
      throw new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: { httpStatusCode: 400 },
      });
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      SecretString: secret.value,
      VersionId: '00000000-0000-4000-8000-000000000001',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.created,
    };
  }
}
