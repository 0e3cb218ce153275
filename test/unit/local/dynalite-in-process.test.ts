import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type InProcessDynamo, startInProcessDynamo } from '../../../local/dynalite-in-process.js';

// memory-level as dynalite loads it (a dependency of dynalite's, not of ours).
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { MemoryLevel } = fromDynalite('memory-level') as {
  MemoryLevel: { prototype: { values(options?: unknown): { close(): Promise<void> } } };
};

describe('startInProcessDynamo', () => {
  let dynamo: InProcessDynamo | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await dynamo?.stop();
  });

  it('closes the store iterator of every Query and Scan once it is answered', async () => {
    // Prepare: count the iterators dynalite opens on the store and the ones closed again.
    let opened = 0;
    let closed = 0;
    const values = MemoryLevel.prototype.values;
    vi.spyOn(MemoryLevel.prototype, 'values').mockImplementation(function (this: unknown, options?: unknown) {
      const iterator = values.call(this, options);
      opened++;
      const close = iterator.close.bind(iterator);
      iterator.close = () => {
        closed++;
        return close();
      };
      return iterator;
    });
    dynamo = startInProcessDynamo();
    const ddb = new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: dynamo.requestHandler,
    });
    await ddb.send(
      new CreateTableCommand({
        TableName: 'ledger',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    // dynalite makes the table ACTIVE on a timer, even with createTableMs 0.
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const sk of ['a', 'b', 'c']) {
      await ddb.send(new PutItemCommand({ TableName: 'ledger', Item: { pk: { S: 'P' }, sk: { S: sk } } }));
    }

    // Act: whole answers, an answer cut short by Limit, and a scan.
    const query = {
      TableName: 'ledger',
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: 'P' } },
    };
    const all = await ddb.send(new QueryCommand(query));
    const first = await ddb.send(new QueryCommand({ ...query, Limit: 1 }));
    const scanned = await ddb.send(new ScanCommand({ TableName: 'ledger' }));
    await new Promise((resolve) => setTimeout(resolve, 10));

    // Assess: the answers are DynamoDB's, and no iterator is left open.
    expect(all.Items?.map((i) => i.sk?.S)).toEqual(['a', 'b', 'c']);
    expect(first.Items?.map((i) => i.sk?.S)).toEqual(['a']);
    expect(first.LastEvaluatedKey).toEqual({ pk: { S: 'P' }, sk: { S: 'a' } });
    expect(scanned.Count).toBe(3);
    expect(opened).toBeGreaterThanOrEqual(3);
    expect(closed).toBe(opened);
  });
});
