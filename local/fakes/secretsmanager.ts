import {
  InvalidRequestException,
  ResourceExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';

interface SecretVersion {
  id: string;
  value: string;
  created: Date;
  stages: Set<string>;
}

interface StoredSecret {
  arn: string;
  versions: SecretVersion[];
}

const notFound = (message: string) => new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 400 } });

/**
 * Secrets Manager: secrets created from the stacks' secret resources; GetSecretValue by name or ARN, by staging label
 * (`VersionStage`, default AWSCURRENT) or `VersionId`; PutSecretValue adds a version (its id the request's
 * `ClientRequestToken` when given) and, as AWS documents, moves AWSCURRENT to it and AWSPREVIOUS to the version
 * AWSCURRENT left
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html,
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html).
 */
export class SecretsManagerFake implements FakeService {
  private readonly secrets = new Map<string, StoredSecret>();
  private versionCount = 0;

  constructor(
    private readonly accountId: string,
    private readonly now: () => number = () => Date.now(),
  ) {}

  create(name: string, value: string, region = 'us-east-1'): void {
    const arn = `arn:aws:secretsmanager:${region}:${this.accountId}:secret:${name}-AbCdEf`;
    this.secrets.set(name, { arn, versions: [this.version(value, ['AWSCURRENT'])] });
  }

  /** The current value (the simulator signs approval links with it). */
  value(name: string): string | undefined {
    return this.find(name)?.versions.find((v) => v.stages.has('AWSCURRENT'))?.value;
  }

  /** Rotates a secret as PutSecretValue does: the new value becomes AWSCURRENT, the old one AWSPREVIOUS. */
  rotate(name: string, value: string): void {
    const secret = this.find(name);
    if (!secret) throw notFound("Secrets Manager can't find the specified secret.");
    this.put(secret, value);
  }

  private version(value: string, stages: string[], requested?: string): SecretVersion {
    this.versionCount++;
    const id = requested ?? `00000000-0000-4000-8000-${String(this.versionCount).padStart(12, '0')}`;
    return { id, value, created: new Date(this.now()), stages: new Set(stages) };
  }

  private put(secret: StoredSecret, value: string, requested?: string): SecretVersion {
    for (const v of secret.versions) v.stages.delete('AWSPREVIOUS');
    const current = secret.versions.find((v) => v.stages.has('AWSCURRENT'));
    if (current) {
      current.stages.delete('AWSCURRENT');
      current.stages.add('AWSPREVIOUS');
    }
    const made = this.version(value, ['AWSCURRENT'], requested);
    secret.versions.push(made);
    return made;
  }

  private find(id: string): (StoredSecret & { name: string }) | undefined {
    for (const [name, s] of this.secrets) {
      if (name === id || s.arn === id || id.startsWith(`${s.arn.slice(0, -7)}`)) return { name, ...s };
    }
    return undefined;
  }

  handle(call: FakeCall): unknown {
    const id = String(call.input.SecretId ?? '');
    const secret = this.find(id);
    if (call.action !== 'GetSecretValue' && call.action !== 'PutSecretValue') {
      throw new NotImplementedByFakeError('secretsmanager', call.action);
    }
    if (!secret) throw notFound("Secrets Manager can't find the specified secret.");
    if (call.action === 'PutSecretValue') {
      const value = call.input.SecretString;
      if (typeof value !== 'string') {
        throw new InvalidRequestException({
          message: 'You must provide either SecretString or SecretBinary.',
          $metadata: { httpStatusCode: 400 },
        });
      }
      // ClientRequestToken is the new version's id: the same token and value again changes nothing; the same token
      // with another value is refused (ResourceExistsException), as the API reference says.
      const token = typeof call.input.ClientRequestToken === 'string' ? call.input.ClientRequestToken : undefined;
      const existing = token === undefined ? undefined : secret.versions.find((v) => v.id === token);
      if (existing && existing.value !== value) {
        throw new ResourceExistsException({
          message: `A resource with the ID you requested already exists: version ${token} holds another value.`,
          $metadata: { httpStatusCode: 400 },
        });
      }
      const made = existing ?? this.put(secret, value, token);
      return { ARN: secret.arn, Name: secret.name, VersionId: made.id, VersionStages: [...made.stages] };
    }
    const byId = typeof call.input.VersionId === 'string' ? call.input.VersionId : undefined;
    const stage = typeof call.input.VersionStage === 'string' ? call.input.VersionStage : 'AWSCURRENT';
    const version = byId
      ? secret.versions.find((v) => v.id === byId)
      : secret.versions.find((v) => v.stages.has(stage));
    if (!version) {
      throw notFound(
        byId
          ? `Secrets Manager can't find the specified secret value for VersionId: ${byId}`
          : `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      SecretString: version.value,
      VersionId: version.id,
      VersionStages: [...version.stages],
      CreatedDate: version.created,
    };
  }
}
