import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type InProcessDynamo, startInProcessDynamo } from '../../../local/dynalite-in-process.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function clientOf(dynamo: InProcessDynamo): DynamoDBClient {
  return new DynamoDBClient({ region: 'us-east-1', credentials, requestHandler: dynamo.requestHandler });
}

const ledger = new CreateTableCommand({
  TableName: 'ledger',
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'status', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'byStatus',
      KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
});

/** A new table is ACTIVE a tick after CreateTable answers (dynalite's createTableMs 0). */
async function active(ddb: DynamoDBClient, name: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const table = await ddb.send(new DescribeTableCommand({ TableName: name }));
    if (table.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${name} never became ACTIVE`);
}

describe('a saved DynamoDB store (dump, then load into another)', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });
  const started = () => {
    const dynamo = startInProcessDynamo();
    stops.push(() => dynamo.stop());
    return dynamo;
  };

  it('answers reads, index queries and conditional writes as the dumped store did, and nothing of what it held before', async () => {
    const saved = started();
    const ddb = clientOf(saved);
    await ddb.send(ledger);
    await active(ddb, 'ledger');
    for (const [pk, status] of [
      ['base', 'AVAILABLE'],
      ['web', 'AVAILABLE'],
      ['db', 'FAILED'],
    ] as const) {
      await ddb.send(
        new PutItemCommand({ TableName: 'ledger', Item: { pk: { S: pk }, sk: { S: 'v1' }, status: { S: status } } }),
      );
    }
    const dump = await saved.dump();

    const fresh = started();
    const other = clientOf(fresh);
    await other.send(new CreateTableCommand({ ...ledger.input, TableName: 'scratch' }));
    await active(other, 'scratch');
    // A table of the same name with another key, read once (its definition kept): the load replaces it too.
    await other.send(
      new CreateTableCommand({
        TableName: 'ledger',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await active(other, 'ledger');
    await other.send(new PutItemCommand({ TableName: 'ledger', Item: { id: { S: 'stale' } } }));
    await fresh.load(dump);

    const item = await other.send(
      new GetItemCommand({ TableName: 'ledger', Key: { pk: { S: 'db' }, sk: { S: 'v1' } } }),
    );
    expect(item.Item?.status).toEqual({ S: 'FAILED' });
    const available = await other.send(
      new QueryCommand({
        TableName: 'ledger',
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'AVAILABLE' } },
      }),
    );
    expect(available.Items?.map((i) => i.pk?.S).sort()).toEqual(['base', 'web']);
    await expect(
      other.send(
        new PutItemCommand({
          TableName: 'ledger',
          Item: { pk: { S: 'base' }, sk: { S: 'v1' }, status: { S: 'X' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await expect(other.send(new DescribeTableCommand({ TableName: 'scratch' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(await fresh.dump()).toEqual(dump);
  });
});
