import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startInProcessDynamo } from '../../../local/dynalite-in-process.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function table(key: string) {
  return new CreateTableCommand({
    TableName: 'things',
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
  });
}

/** `read` again while it fails with one of `waiting` (a table not yet ACTIVE, or an old one still DELETING). */
async function until<T>(read: () => Promise<T>, waiting = ['ResourceNotFoundException']): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await read();
    } catch (error) {
      if (i > 50 || !waiting.includes((error as Error).name)) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

describe('the in-process DynamoDB, remembering ACTIVE table definitions', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it('answers a deleted table as missing, and a table made again under the same name with its new key', async () => {
    const dynamo = startInProcessDynamo();
    stops.push(() => dynamo.stop());
    const ddb = new DynamoDBClient({ region: 'us-east-1', credentials, requestHandler: dynamo.requestHandler });
    await ddb.send(table('pk'));
    await until(() => ddb.send(new PutItemCommand({ TableName: 'things', Item: { pk: { S: 'a' } } })));
    const read = await ddb.send(new GetItemCommand({ TableName: 'things', Key: { pk: { S: 'a' } } }));
    expect(read.Item).toEqual({ pk: { S: 'a' } });

    await ddb.send(new DeleteTableCommand({ TableName: 'things' }));
    await expect(ddb.send(new GetItemCommand({ TableName: 'things', Key: { pk: { S: 'a' } } }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });

    // As on AWS, the name is free again only once the old table has gone (it is DELETING until then, and CreateTable
    // of its name is refused with ResourceInUseException:
    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html); dynalite takes a few
    // milliseconds to delete, longer on a loaded machine.
    await until(() => ddb.send(table('id')), ['ResourceInUseException']);
    await until(() => ddb.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: 'b' } } })));
    await expect(ddb.send(new PutItemCommand({ TableName: 'things', Item: { pk: { S: 'c' } } }))).rejects.toMatchObject(
      {
        name: 'ValidationException',
      },
    );
    const again = await ddb.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: 'b' } } }));
    expect(again.Item).toEqual({ id: { S: 'b' } });
  });
});
