import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import { createLedgerTable } from '../helpers/ledger-table.js';

describe('startLocalDynamo', () => {
  let dynamo: LocalDynamo;
  let ddb: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    ddb = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1' });
  });
  afterAll(async () => {
    ddb.destroy();
    await dynamo.stop();
  });

  it('enforces conditional writes the way DynamoDB does', async () => {
    await createLedgerTable(ddb);
    const put = new PutItemCommand({
      TableName: 'ledger',
      Item: { pk: { S: 'CHANGE#x' }, sk: { S: 'MARKER' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    await ddb.send(put);
    await expect(ddb.send(put)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  });
});
