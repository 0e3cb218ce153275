import { beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { getChannelPointer, getChannelPointers, moveChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { createLedgerTable, localLedgerClient, useLocalDynamo } from '../helpers/ledger-table.js';

const TABLE = 'ledger-pointers';
const dynamo = useLocalDynamo();

const pointer = (channel: string, version: string) => ({
  image: 'base',
  channel,
  version,
  buildVersionArn: `arn:aws:imagebuilder:us-east-1:111122223333:image/base/${version}`,
  amis: [{ region: 'us-east-1', imageId: 'ami-0123456789abcdef0' }],
  at: '2027-01-20T00:00:00.000Z',
});

beforeAll(async () => {
  process.env.LEDGER_TABLE = TABLE;
  await createLedgerTable(localLedgerClient(dynamo.endpoint), TABLE);
  await moveChannelPointer(pointer('dev', '1.0.0/3'));
  await moveChannelPointer(pointer('prod', '1.0.0/2'));
});

describe('getChannelPointers', () => {
  it('reads several channels’ pointers in one request, in the order asked, absent where a channel has none', async () => {
    const send = vi.spyOn(documentClient(), 'send');
    const pointers = await getChannelPointers('base', ['dev', 'staging', 'prod']);
    const calls = send.mock.calls.length;
    send.mockRestore();

    expect(calls).toBe(1);
    expect(pointers.map((p) => p?.version)).toEqual(['1.0.0/3', undefined, '1.0.0/2']);
    expect(pointers[0]).toEqual(await getChannelPointer('base', 'dev'));
  });
});
