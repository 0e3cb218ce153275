import { STSClient } from '@aws-sdk/client-sts';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { GoldsmithRetryStrategy } from '../../../aws/clients/retry.js';
import { stsClient } from '../../../aws/clients/sts.js';
import { client, configureClients, documentClient } from '../../../aws/clients.js';

describe('makeClient through the per-service modules', () => {
  afterEach(() => configureClients({}));

  it("builds clients with Goldsmith's retry strategy (6 attempts per call, no retry quota) and the requested region", async () => {
    const sts = stsClient('eu-west-1');

    expect(sts).toBeInstanceOf(STSClient);
    const strategy = await sts.config.retryStrategy();
    expect(strategy).toBeInstanceOf(GoldsmithRetryStrategy);
    // Adaptive: the SDK's client-side rate limiter, without the retry quota.
    expect((strategy as GoldsmithRetryStrategy).mode).toBe('adaptive');
    expect(await sts.config.region()).toBe('eu-west-1');
  });

  it('gives each client its own strategy instance', async () => {
    expect(await stsClient('eu-west-2').config.retryStrategy()).not.toBe(
      await stsClient('eu-west-3').config.retryStrategy(),
    );
  });

  it('defaults to the function region when no region is given', async () => {
    expect(await stsClient().config.region()).toBe(process.env.AWS_REGION);
  });

  it('returns the same cached client as client(name) does for the same service and region', () => {
    expect(ec2Client('eu-west-1')).toBe(client('ec2', 'eu-west-1'));
    expect(ec2Client('eu-west-1')).not.toBe(ec2Client('eu-central-1'));
  });

  it('applies overrides and decorates each new client once when settings are configured', async () => {
    const decorate = vi.fn();
    configureClients({ overrides: { sts: { maxAttempts: 2 } }, decorate });

    const first = stsClient('ap-southeast-2');
    stsClient('ap-southeast-2');

    expect(await first.config.maxAttempts()).toBe(2);
    expect(decorate).toHaveBeenCalledTimes(1);
    expect(decorate).toHaveBeenCalledWith(first, 'sts', 'ap-southeast-2');
  });

  it('forgets clients built under earlier settings when configureClients is called again', () => {
    const before = ec2Client('us-west-2');
    const beforeDocument = documentClient('us-west-2');

    configureClients({});

    expect(ec2Client('us-west-2')).not.toBe(before);
    expect(documentClient('us-west-2')).not.toBe(beforeDocument);
    expect(documentClient('us-west-2')).toBe(documentClient('us-west-2'));
  });

  it("resolves a client's middleware once per command class, but sends each document-client command with its own input", async () => {
    const sent: string[] = [];
    configureClients({
      overrides: {
        dynamodb: {
          endpoint: 'https://dynamodb.test',
          credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
          requestHandler: {
            handle: async (request: { body?: string | Uint8Array }) => {
              const body = request.body ?? '';
              sent.push(typeof body === 'string' ? body : new TextDecoder().decode(body));
              return { response: { statusCode: 200, headers: {}, body: new TextEncoder().encode('{}') } };
            },
          },
        },
      },
    });
    const documents = documentClient('us-east-1');

    await documents.send(new PutCommand({ TableName: 'ledger', Item: { pk: 'first' } }));
    await documents.send(new PutCommand({ TableName: 'ledger', Item: { pk: 'second' } }));

    expect(sent.map((body) => (JSON.parse(body) as { Item: { pk: { S: string } } }).Item.pk.S)).toEqual([
      'first',
      'second',
    ]);
    expect(ec2Client('us-east-1').config.cacheMiddleware).toBe(true);
  });
});
