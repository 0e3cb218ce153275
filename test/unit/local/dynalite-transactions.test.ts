import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InProcessDynamo, startInProcessDynamo } from '../../../local/dynalite-in-process.js';

/**
 * The in-process dynalite's TransactWriteItems, as DynamoDB documents it
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html): all or nothing, up
 * to 100 actions, no two on one item, TransactionCanceledException with one reason per action.
 */

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let dynamo: InProcessDynamo;
let ddb: DynamoDBClient;

const key = (sk: string) => ({ pk: { S: 'IMAGE#base' }, sk: { S: sk } });
const put = (sk: string, condition?: string): TransactWriteItem => ({
  Put: {
    TableName: 'ledger',
    Item: { ...key(sk), note: { S: 'new' } },
    ...(condition ? { ConditionExpression: condition } : {}),
  },
});
const remove = (sk: string, condition?: string): TransactWriteItem => ({
  Delete: { TableName: 'ledger', Key: key(sk), ...(condition ? { ConditionExpression: condition } : {}) },
});
const read = async (sk: string) =>
  (await ddb.send(new GetItemCommand({ TableName: 'ledger', Key: key(sk), ConsistentRead: true }))).Item;

beforeEach(async () => {
  dynamo = startInProcessDynamo();
  ddb = new DynamoDBClient({ region: 'us-east-1', credentials, requestHandler: dynamo.requestHandler });
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
  for (let i = 0; i < 20; i++) {
    const table = await ddb.send(new DescribeTableCommand({ TableName: 'ledger' }));
    if (table.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 1));
  }
  await ddb.send(new PutItemCommand({ TableName: 'ledger', Item: { ...key('OLD'), note: { S: 'old' } } }));
});

afterEach(() => dynamo.stop());

describe('TransactWriteItems on the in-process dynalite', () => {
  it('applies every action when every condition holds', async () => {
    await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [put('NEW', 'attribute_not_exists(sk)'), remove('OLD', 'attribute_exists(sk)')],
      }),
    );
    expect(await read('NEW')).toMatchObject({ note: { S: 'new' } });
    expect(await read('OLD')).toBeUndefined();
  });

  it('applies none when one condition fails, and names the failing action among the reasons', async () => {
    const sent = ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [put('NEW'), remove('OLD'), put('OTHER'), remove('GONE', 'attribute_exists(sk)')],
      }),
    );
    const error = await sent.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'None',
      'None',
      'None',
      'ConditionalCheckFailed',
    ]);
    expect(await read('NEW')).toBeUndefined();
    expect(await read('OTHER')).toBeUndefined();
    expect(await read('OLD')).toMatchObject({ note: { S: 'old' } });
  });

  it('refuses more than 100 actions and two actions on one item, changing nothing', async () => {
    const many = Array.from({ length: 101 }, (_, i) => put(`N${i}`));
    await expect(ddb.send(new TransactWriteItemsCommand({ TransactItems: many }))).rejects.toThrow(/1 to 100/);
    await expect(
      ddb.send(new TransactWriteItemsCommand({ TransactItems: [put('OLD'), remove('OLD')] })),
    ).rejects.toThrow(/multiple operations on one item/);
    expect(await read('N0')).toBeUndefined();
    expect(await read('OLD')).toMatchObject({ note: { S: 'old' } });
  });
});
