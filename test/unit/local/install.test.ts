import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
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

  it("sends each request without the wire's headers or a signing step, Powertools' clients too", async () => {
    const { clientSettings } = installFakes({
      clock: new VirtualClock('2027-01-01T00:00:00Z'),
      pipelines: [{ name: 'base', regions: ['us-east-1'] }],
    });
    const ssm = new SSMClient({ region: 'us-east-1', ...(clientSettings.overrides?.ssm as SSMClientConfig) });
    clientSettings.decorate?.(ssm, 'ssm', 'us-east-1');
    const names = ssm.middlewareStack.identify().join();
    for (const step of ['httpSigningMiddleware', 'hostHeaderMiddleware', 'recursionDetectionMiddleware']) {
      expect(names).not.toContain(step);
    }
    const sent: Record<string, string>[] = [];
    ssm.middlewareStack.add(
      (next, _context) => (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'capture' },
    );
    // Powertools puts its user-agent middleware after the SDK's (aws/notifications/sink-secrets.ts makes one so).
    const provider = new SSMProvider({ awsSdkV3Client: ssm });
    const name = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    expect(await provider.get(name)).toMatch(/^ami-/);
    expect((await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value).toMatch(/^ami-/);
    expect(sent).toHaveLength(2);
    for (const headers of sent) {
      expect(headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(headers['x-amz-target']).toMatch(/^AmazonSSM\.GetParameter$/);
      expect(Object.keys(headers).filter((h) => /^x-amz-user-agent$|^host$|authorization|x-amz-date/.test(h))).toEqual(
        [],
      );
      // The SDK's user agent is not made; Powertools appends its own to what is there (nothing).
      expect(headers['user-agent'] ?? '').not.toContain('aws-sdk-js');
    }
  });

  it('signs Host with the rest for a client that signs, as one a test sends to dynalite over HTTP does', async () => {
    const { clientSettings } = installFakes({ clock: new VirtualClock('2027-01-01T00:00:00Z') });
    const sent: Record<string, string>[] = [];
    const dynamodb = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://localhost:4567',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: {
        handle: async (request: { headers: Record<string, string> }) => {
          sent.push({ ...request.headers });
          const body = new TextEncoder().encode('{"TableNames":[]}');
          return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body } };
        },
      },
    });
    clientSettings.decorate?.(dynamodb, 'dynamodb', 'us-east-1');
    expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.authorization).toMatch(/SignedHeaders=[^,]*\bhost\b/);
    expect(sent[0]?.['user-agent'] ?? '').not.toContain('aws-sdk-js');
  });
});
