import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../local/clock.js';
import { installFakes } from '../../../local/fakes/install.js';

describe('installFakes', () => {
  it('routes the faked services to the fakes and leaves DynamoDB alone', () => {
    const { clientSettings } = installFakes({ clock: new VirtualClock('2027-01-01T00:00:00Z') });
    const dynamodb = new DynamoDBClient({ region: 'us-east-1' });
    const ec2 = new EC2Client({ region: 'us-east-1' });
    clientSettings.decorate?.(dynamodb, 'dynamodb', 'us-east-1');
    clientSettings.decorate?.(ec2, 'ec2', 'us-east-1');
    expect(dynamodb.middlewareStack.identify().join()).not.toContain('goldsmithLocalFake');
    expect(ec2.middlewareStack.identify().join()).toContain('goldsmithLocalFake');
    expect(clientSettings.overrides?.dynamodb).toBeUndefined();
  });

  it('gives every client its own retry strategy, so retry quotas are per client as in the SDK', () => {
    const { clientSettings } = installFakes({ clock: new VirtualClock('2027-01-01T00:00:00Z') });
    const first = { ...clientSettings.overrides?.ec2 };
    const second = { ...clientSettings.overrides?.ec2 };
    expect(first.retryStrategy).toBeDefined();
    expect(first.retryStrategy).not.toBe(second.retryStrategy);
  });

  it('seeds the public Amazon Linux parameter in every pipeline region', () => {
    const { fakes } = installFakes({
      clock: new VirtualClock('2027-01-01T00:00:00Z'),
      pipelines: [{ name: 'base', regions: ['us-east-1', 'ap-southeast-2'] }],
    });
    const name = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    expect(fakes.ssm.value('ap-southeast-2', name)).toMatch(/^ami-/);
    expect(fakes.ssm.value('eu-west-1', name)).toBeUndefined();
  });
});
