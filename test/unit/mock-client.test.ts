import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { clientMocksInPlace, mockClient, restoreClientMocks } from '../helpers/mock-client.js';

// What test/setup-shared-cloud.ts relies on to let files that stub SDK clients share a worker (test/isolation.ts).
describe('stubs of SDK clients made through test/helpers/mock-client.ts', () => {
  it('are all undone by restoreClientMocks, the class and the instance ones, even a stub made anew by reset()', async () => {
    const original = SNSClient.prototype.send;
    const ssm = new SSMClient({ region: 'us-east-1' });
    const ownSend = ssm.send;
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    mockClient(ssm);
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });

    const client = new SNSClient({ region: 'us-east-1' });
    expect(
      await client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:t', Message: 'x' })),
    ).toEqual({ MessageId: 'm-2' });
    expect(clientMocksInPlace()).toBe(2);

    restoreClientMocks();

    expect(clientMocksInPlace()).toBe(0);
    expect(SNSClient.prototype.send).toBe(original);
    expect(client.send).toBe(original);
    expect(ssm.send).toBe(ownSend);
  });
});
