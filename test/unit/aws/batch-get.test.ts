import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { batchGetItems, unprocessedBackoffMs } from '../../../aws/ledger/batch-get.js';
import { mockClient } from '../../helpers/mock-client.js';

const ddb = mockClient(DynamoDBDocumentClient);
const A = { pk: 'IMAGE#base', sk: 'CHANNEL#dev' };
const B = { pk: 'IMAGE#base', sk: 'CHANNEL#prod' };

afterEach(() => ddb.reset());

describe('batchGetItems', () => {
  it('asks again for the keys left unprocessed, after a wait that grows with each attempt', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { ledger: [A] }, UnprocessedKeys: { ledger: { Keys: [B] } } })
      .resolvesOnce({ Responses: { ledger: [] }, UnprocessedKeys: { ledger: { Keys: [B] } } })
      .resolvesOnce({ Responses: { ledger: [B] } });
    const waits: number[] = [];

    const items = await batchGetItems('ledger', [A, B], undefined, async (ms) => waits.push(ms));

    expect(items).toEqual([A, B]);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 3);
    expect(ddb.commandCalls(BatchGetCommand)[2]?.args[0].input.RequestItems?.ledger?.Keys).toEqual([B]);
    expect(waits).toHaveLength(2);
  });

  it('gives up after five attempts, naming how many keys stayed unread', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { ledger: [] }, UnprocessedKeys: { ledger: { Keys: [B] } } });

    await expect(batchGetItems('ledger', [B], undefined, async () => undefined)).rejects.toThrow(
      'BatchGetItem left 1 item(s) unread',
    );
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 5);
  });

  it('backs off exponentially with full jitter, capped at 2 s', () => {
    const most = () => 0.999_999;
    expect([2, 3, 4, 5].map((attempt) => unprocessedBackoffMs(attempt, most))).toEqual([99, 199, 399, 799]);
    expect(unprocessedBackoffMs(12, most)).toBe(1999);
    expect(unprocessedBackoffMs(3, () => 0)).toBe(0);
  });
});
