import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { readImagePartition, readImagePartitionByPrefix } from '../../aws/ledger/image-partition.js';
import { SWEEP_READS } from '../../functions/lifecycle-sweep.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import { createLedgerTable, localLedgerClient } from '../helpers/ledger-table.js';

const TABLE = 'ledger-sweep-reads';
let dynamo: LocalDynamo;

/** One image's partition with every kind the ledger keeps, the sweep's and the rest. */
const SORT_KEYS = [
  'APPROVAL#1.0.0/2#prod',
  'BUILD#1.0.0/1',
  'BUILD#1.0.0/2',
  'CHANNEL#dev',
  'DECISION#2027-01-14T03:00:00Z#schedule',
  'GATE#1.0.0/2#dev',
  'HOLD#1.0.0/1',
  'INVENTORY#1.0.0/1#000',
  'OUTOFCYCLE#2027-01#1.0.0/1',
  'POINTER#dev#2027-01-19T06:00:00Z',
  'PROMOTION#1.0.0/1#dev',
  'REVOCATION#1.0.0/0',
  'REVOKE-AT#1.0.0/1',
  'SHARE#1.0.0/2#dev',
  'SOAK#1.0.0/2#dev',
  'USAGE#1.0.0/1#us-east-1',
];

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createLedgerTable(localLedgerClient(dynamo.endpoint), TABLE);
  for (const sk of SORT_KEYS) {
    await documentClient().send(new PutCommand({ TableName: TABLE, Item: { pk: 'IMAGE#base', sk, note: sk } }));
  }
  await documentClient().send(
    new PutCommand({ TableName: TABLE, Item: { pk: 'IMAGE#other', sk: 'BUILD#9.9.9/1', note: 'other' } }),
  );
});

afterAll(async () => {
  configureClients({});
  await dynamo?.stop();
});

describe('the lifecycle sweep’s reads of an image’s partition', () => {
  it('reads each prefix it decides from, as the whole partition holds it, a Query per group, and no other prefix', async () => {
    const whole = await readImagePartition('base', TABLE);
    const send = vi.spyOn(documentClient(), 'send');
    const partition = await readImagePartitionByPrefix('base', SWEEP_READS, { table: TABLE });
    const returned = await Promise.all(
      send.mock.results.map(async (r) => ((await r.value) as { Items?: { sk: string }[] }).Items ?? []),
    );
    send.mockRestore();

    expect(returned).toHaveLength(SWEEP_READS.length);
    for (const prefix of SWEEP_READS.flat()) {
      expect(partition.of(prefix)).toEqual(whole.filter((i) => String(i.sk).startsWith(prefix)));
    }
    // What DynamoDB read: the sweep's prefixes and the one sorting between two of them, none of the rest.
    expect(
      returned
        .flat()
        .map((i) => i.sk)
        .sort(),
    ).toEqual([
      'BUILD#1.0.0/1',
      'BUILD#1.0.0/2',
      'CHANNEL#dev',
      'HOLD#1.0.0/1',
      'INVENTORY#1.0.0/1#000',
      'OUTOFCYCLE#2027-01#1.0.0/1',
      'PROMOTION#1.0.0/1#dev',
      'REVOCATION#1.0.0/0',
      'USAGE#1.0.0/1#us-east-1',
    ]);
  });

  it('refuses to answer for a prefix it did not read, rather than answer "none"', async () => {
    const partition = await readImagePartitionByPrefix('base', SWEEP_READS, { table: TABLE });
    expect(() => partition.of('POINTER#')).toThrow(/POINTER# was not read/);
    expect(() => partition.of('SHARE#')).toThrow(/SHARE# was not read/);
    expect(() => partition.of('INVENTORY#')).toThrow(/INVENTORY# was not read/);
  });
});
