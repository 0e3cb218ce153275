import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../local/clock.js';
import { attachOutage, emptyStats } from '../../../local/fakes/middleware.js';
import { Outages } from '../../../local/fakes/outages.js';

const START = Date.parse('2027-01-01T00:00:00Z');
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A DynamoDB client whose answers take `turns` turns of the event loop, as dynalite's do, behind the outage layer. */
function slowDynamo(clock: VirtualClock, turns: number): DynamoDBClient {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://dynamodb.local.test',
    credentials: { accessKeyId: 'AKIALOCAL', secretAccessKey: 'local' },
    requestHandler: {
      async handle() {
        for (let i = 0; i < turns; i++) await turn();
        const body = new TextEncoder().encode('{}');
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body } };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  });
  attachOutage(client, 'dynamodb', new Outages([], () => clock.date()), emptyStats(), clock);
  return client;
}

describe('a DynamoDB request in flight on the virtual clock', () => {
  it('holds the clock at its instant while another branch of the same work backs off', async () => {
    const clock = new VirtualClock(START);
    const dynamo = slowDynamo(clock, 6);
    const answeredAt: number[] = [];
    const work = clock.track(async () => {
      await Promise.all([
        clock.sleep(100, 'a call beside it backs off'),
        (async () => {
          await dynamo.send(new GetItemCommand({ TableName: 'ledger', Key: { pk: { S: 'a' } } }));
          answeredAt.push(clock.now());
          await dynamo.send(new GetItemCommand({ TableName: 'ledger', Key: { pk: { S: 'b' } } }));
          answeredAt.push(clock.now());
        })(),
      ]);
    });
    await clock.run(START + 1_000);
    await work;
    expect(answeredAt).toEqual([START, START]);
  });
});
