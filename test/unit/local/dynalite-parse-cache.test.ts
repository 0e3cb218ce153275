import {
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInProcessDynamo } from '../../../local/dynalite-in-process.js';
import { copyParsed, dynaliteParseCounts } from '../../../local/dynalite-parse-cache.js';
import { createLedgerTable } from '../../helpers/ledger-table.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let stop: (() => Promise<void>) | undefined;
let ddb: DynamoDBClient;

const item = (sk: string, n: string) => ({ pk: { S: 'IMAGE#base' }, sk: { S: sk }, n: { N: n } });
const query = (value: string, filter = 'n > :min') =>
  new QueryCommand({
    TableName: 'ledger',
    // The value on the left: dynalite rewrites this parsed key condition in place to put the key first.
    KeyConditionExpression: ':pk = #pk AND begins_with(sk, :prefix)',
    FilterExpression: filter,
    ExpressionAttributeNames: { '#pk': 'pk' },
    ExpressionAttributeValues: { ':pk': { S: 'IMAGE#base' }, ':prefix': { S: value }, ':min': { N: '1' } },
  });

describe('dynalite expression parses, remembered', () => {
  beforeEach(async () => {
    const dynamo = startInProcessDynamo();
    ddb = new DynamoDBClient({ region: 'us-east-1', credentials, requestHandler: dynamo.requestHandler });
    stop = () => dynamo.stop();
    await createLedgerTable(ddb);
    for (const [sk, n] of [
      ['BUILD#1', '1'],
      ['BUILD#2', '2'],
      ['BUILD#3', '3'],
      ['PTR#prod', '5'],
    ] as const)
      await ddb.send(new PutItemCommand({ TableName: 'ledger', Item: item(sk, n) }));
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('answers a repeated query the same each time while parsing its expressions once', async () => {
    const before = dynaliteParseCounts();
    const first = await ddb.send(query('BUILD#'));
    const second = await ddb.send(query('BUILD#'));
    const third = await ddb.send(query('BUILD#'));
    const after = dynaliteParseCounts();

    expect(first.Items?.map((i) => i.sk?.S)).toEqual(['BUILD#2', 'BUILD#3']);
    expect(second.Items).toEqual(first.Items);
    expect(third.Items).toEqual(first.Items);
    // Two expressions (key condition, filter): parsed for the first query, answered from memory for the next two.
    expect(after.parsed - before.parsed).toBe(2);
    expect(after.remembered - before.remembered).toBe(4);
  });

  it("answers for each request's own values from one parse when only the values differ", async () => {
    await ddb.send(query('BUILD#'));
    const before = dynaliteParseCounts();
    // The key condition is remembered now; the filter is one no other test sends (parses are remembered per process).
    const builds = await ddb.send(query('BUILD#', 'n >= :min'));
    const pointers = await ddb.send(query('PTR#', 'n >= :min'));
    const after = dynaliteParseCounts();
    expect(builds.Items?.map((i) => i.sk?.S)).toEqual(['BUILD#1', 'BUILD#2', 'BUILD#3']);
    expect(pointers.Items?.map((i) => i.sk?.S)).toEqual(['PTR#prod']);
    expect(after.parsed - before.parsed).toBe(1);
  });

  it('checks a value of another type as dynalite does', async () => {
    await ddb.send(query('BUILD#'));
    const numeric = new QueryCommand({
      TableName: 'ledger',
      KeyConditionExpression: ':pk = #pk AND begins_with(sk, :prefix)',
      FilterExpression: 'n > :min',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': { S: 'IMAGE#base' }, ':prefix': { N: '1' }, ':min': { N: '1' } },
    });
    await expect(ddb.send(numeric)).rejects.toThrow('operand type: N');
  });

  it('parses BETWEEN again for other bounds, which it compares', async () => {
    const between = (low: string, high: string) =>
      new QueryCommand({
        TableName: 'ledger',
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': { S: 'IMAGE#base' }, ':low': { S: low }, ':high': { S: high } },
      });
    const found = await ddb.send(between('BUILD#1', 'BUILD#2'));
    expect(found.Items?.map((i) => i.sk?.S)).toEqual(['BUILD#1', 'BUILD#2']);
    await expect(ddb.send(between('BUILD#3', 'BUILD#1'))).rejects.toThrow(
      'requires upper bound to be greater than or equal to lower bound',
    );
  });

  it('still refuses an unused expression value after the same expression was parsed without it', async () => {
    const update = (values: UpdateItemCommandInput['ExpressionAttributeValues']) =>
      new UpdateItemCommand({
        TableName: 'ledger',
        Key: { pk: { S: 'IMAGE#base' }, sk: { S: 'BUILD#1' } },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: values,
      });
    await ddb.send(update({ ':n': { N: '7' } }));
    await ddb.send(update({ ':n': { N: '7' } }));
    await expect(ddb.send(update({ ':n': { N: '7' }, ':extra': { N: '1' } }))).rejects.toThrow(
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}',
    );
  });

  it('copies parser output deeply, and declines what is not plain data', () => {
    const parsed = { type: 'and', args: [['pk'], { S: 'x' }, null, 3, true] };
    const copy = copyParsed(parsed)?.value as typeof parsed;
    expect(copy).toEqual(parsed);
    expect(copy.args).not.toBe(parsed.args);
    expect(copyParsed({ B: Buffer.from('x') })).toBeUndefined();
  });
});
