import { createRequire } from 'node:module';
import { DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalDynamo } from '../../../local/dynalite.js';
import { startInProcessDynamo } from '../../../local/dynalite-in-process.js';
import { createLedgerTable } from '../../helpers/ledger-table.js';

// memory-level as dynalite loads it (a dependency of dynalite's, not of ours).
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { MemoryLevel } = fromDynalite('memory-level') as {
  MemoryLevel: {
    prototype: {
      values(options?: unknown): { close(): Promise<void> };
      _put(key: unknown, value: unknown, options: unknown): Promise<void>;
      _batch(operations: { type: string; key: unknown; value?: unknown }[], options: unknown): Promise<void>;
    };
  };
};

/** A running dynalite, either way the local cloud runs it, and an SDK client talking to it. */
interface Running {
  ddb: DynamoDBClient;
  stop(): Promise<void>;
}
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const WAYS: { name: string; start(): Promise<Running> }[] = [
  {
    name: 'startInProcessDynamo',
    start: async () => {
      const dynamo = startInProcessDynamo();
      const ddb = new DynamoDBClient({ region: 'us-east-1', credentials, requestHandler: dynamo.requestHandler });
      return { ddb, stop: () => dynamo.stop() };
    },
  },
  {
    name: 'startLocalDynamo',
    start: async () => {
      const dynamo = await startLocalDynamo();
      const ddb = new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: dynamo.endpoint });
      return {
        ddb,
        stop: async () => {
          ddb.destroy();
          await dynamo.stop();
        },
      };
    },
  },
];

/** Starts dynalite and creates the ledger table in it. */
async function ledgerTable(start: () => Promise<Running>): Promise<DynamoDBClient> {
  running = await start();
  await createLedgerTable(running.ddb);
  return running.ddb;
}

let running: Running | undefined;

describe.each(WAYS)('$name', ({ start }) => {
  afterEach(async () => {
    vi.restoreAllMocks();
    await running?.stop();
    running = undefined;
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
    const ddb = await ledgerTable(start);
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

  it('stores each key and value as a string, so none is a slice of a shared Buffer pool', async () => {
    // Prepare: keep what memory-level is given to store.
    const stored: unknown[] = [];
    const put = MemoryLevel.prototype._put;
    const batch = MemoryLevel.prototype._batch;
    vi.spyOn(MemoryLevel.prototype, '_put').mockImplementation(function (this: unknown, key, value, options) {
      stored.push(key, value);
      return put.call(this, key, value, options);
    });
    vi.spyOn(MemoryLevel.prototype, '_batch').mockImplementation(function (this: unknown, operations, options) {
      for (const op of operations) if (op.type === 'put') stored.push(op.key, op.value);
      return batch.call(this, operations, options);
    });
    const ddb = await ledgerTable(start);

    // Act: small items, each far smaller than Node's 8 KB buffer pool.
    for (const sk of ['a', 'b', 'c']) {
      await ddb.send(new PutItemCommand({ TableName: 'ledger', Item: { pk: { S: 'P' }, sk: { S: sk } } }));
    }
    const read = await ddb.send(new ScanCommand({ TableName: 'ledger' }));

    // Assess: keys and values were stored as text, and the items read back unchanged.
    expect(stored.length).toBeGreaterThanOrEqual(6);
    expect(stored.filter((d) => typeof d !== 'string')).toEqual([]);
    expect(read.Items?.map((i) => i.sk?.S)).toEqual(['a', 'b', 'c']);
  });

  it('orders sort keys by their UTF-8 bytes, as DynamoDB does, with the keys stored as text', async () => {
    const ddb = await ledgerTable(start);
    const keys = ['b', 'a', 'é', '😀', 'z', 'A', 'ｚ', 'a#10', 'a#9'];
    for (const sk of keys) {
      await ddb.send(new PutItemCommand({ TableName: 'ledger', Item: { pk: { S: 'P' }, sk: { S: sk } } }));
    }
    const all = await ddb.send(
      new QueryCommand({
        TableName: 'ledger',
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'P' } },
      }),
    );
    const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
    expect(all.Items?.map((i) => i.sk?.S)).toEqual(byBytes);
  });
});
