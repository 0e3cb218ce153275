import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { readImagePartition, readOutcomes } from '../../aws/ledger/image-partition.js';
import { readImageViews } from '../../aws/ledger/image-view-index.js';
import { imageViewKeys, inImageView } from '../../core/ledger/keys.js';
import { outcomesGaugesNeed } from '../../core/status/gauge-reads.js';
import { type ImageView, imageView } from '../../core/status/image-view.js';
import { HEALTH_ATTRIBUTES } from '../../functions/health.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import { createLedgerTable, localLedgerClient } from '../helpers/ledger-table.js';

const TABLE = 'ledger-health';
let dynamo: LocalDynamo;

/** One image's partition with every kind the ledger keeps, in sort-key order or not. */
const ITEMS: Record<string, unknown>[] = [
  {
    sk: 'APPROVAL#1.0.0/2#prod',
    version: '1.0.0/2',
    channel: 'prod',
    requestedAt: '2027-01-20T00:00:00Z',
    expiresAt: '2027-01-27T00:00:00Z',
    approvers: ['ops-lead'],
  },
  { sk: 'BUILD#1.0.0/1', buildVersion: '1.0.0/1', status: 'AVAILABLE', requestedAt: '2027-01-14T03:00:00Z' },
  { sk: 'BUILD#1.0.0/2', buildVersion: '1.0.0/2', status: 'AVAILABLE', requestedAt: '2027-01-19T03:00:00Z' },
  {
    sk: 'CHANNEL#dev',
    version: '1.0.0/2',
    at: '2027-01-19T06:00:00Z',
    amis: [{ region: 'us-east-1', imageId: 'ami-2' }],
  },
  {
    sk: 'CHANNEL#prod',
    version: '1.0.0/1',
    at: '2027-01-18T06:00:00Z',
    amis: [{ region: 'us-east-1', imageId: 'ami-1' }],
  },
  { sk: 'DECISION#2027-01-14T03:00:00Z#schedule', decision: 'build' },
  { sk: 'PAUSED#1.0.0/2', state: 'Share' },
  { sk: 'POINTER#dev#2027-01-19T06:00:00Z', version: '1.0.0/2' },
  { sk: 'PROMOTION#1.0.0/1#dev', version: '1.0.0/1', channel: 'dev', outcome: 'promoted', at: '2027-01-15T00:00:00Z' },
  {
    sk: 'PROMOTION#1.0.0/1#prod',
    version: '1.0.0/1',
    channel: 'prod',
    outcome: 'promoted',
    at: '2027-01-18T06:00:00Z',
  },
  { sk: 'PROMOTION#1.0.0/2#dev', version: '1.0.0/2', channel: 'dev', outcome: 'promoted', at: '2027-01-19T06:00:00Z' },
  { sk: 'REVOCATION#1.0.0/0', reason: 'cve' },
  { sk: 'SHARE#1.0.0/2#dev', accounts: ['111111111111'] },
];

/** An item as its writer stores it: builds, approvals and pointers with the image-view index keys. */
function viewed(image: string, item: Record<string, unknown>): Record<string, unknown> {
  const sk = String(item.sk);
  return inImageView(sk) ? { ...item, ...imageViewKeys(image, sk) } : item;
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const ddb = localLedgerClient(dynamo.endpoint);
  await createLedgerTable(ddb, TABLE);
  for (const item of [...ITEMS].reverse()) {
    await documentClient().send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'IMAGE#base', ...viewed('base', item) } }),
    );
  }
  await documentClient().send(
    new PutCommand({ TableName: TABLE, Item: { pk: 'IMAGE#other', ...viewed('other', { sk: 'BUILD#9.9.9/1' }) } }),
  );
});

afterAll(async () => {
  configureClients({});
  await dynamo?.stop();
});

describe('readImageViews', () => {
  it('reads every image’s builds, approvals and pointers in one request, by image, in sort-key order', async () => {
    const send = vi.spyOn(documentClient(), 'send');
    const views = await readImageViews(TABLE);
    const calls = send.mock.calls.length;
    send.mockRestore();

    expect(calls).toBe(1);
    expect([...views.keys()].sort()).toEqual(['base', 'other']);
    expect(views.get('base')?.map((i) => i.sk)).toEqual([
      'APPROVAL#1.0.0/2#prod',
      'BUILD#1.0.0/1',
      'BUILD#1.0.0/2',
      'CHANNEL#dev',
      'CHANNEL#prod',
    ]);
    expect(views.get('other')?.map((i) => i.sk)).toEqual(['BUILD#9.9.9/1']);
  });

  it('returns the attributes the index projects, not the pointers’ AMIs nor the index keys', async () => {
    const channel = (await readImageViews(TABLE)).get('base')?.find((i) => i.sk === 'CHANNEL#dev');
    expect(channel).toEqual({ pk: 'IMAGE#base', sk: 'CHANNEL#dev', version: '1.0.0/2', at: '2027-01-19T06:00:00Z' });
  });

  it('gives the health gauges the same view of the image as the whole partition does, but the pointers’ AMIs', async () => {
    const now = new Date('2027-01-21T00:00:00Z');
    const channels = ['dev', 'staging', 'prod'];
    const whole = imageView('base', channels, await readImagePartition('base', TABLE), now);
    const items = (await readImageViews(TABLE)).get('base') ?? [];
    const outcomes = await readOutcomes([{ image: 'base', refs: outcomesGaugesNeed(channels, items, now) }], {
      table: TABLE,
      attributes: HEALTH_ATTRIBUTES,
    });
    const noAmis = (view: ImageView) => ({
      ...view,
      channels: view.channels.map((c) => (c.pointer ? { ...c, pointer: { ...c.pointer, amis: {} } } : c)),
    });
    expect(imageView('base', channels, [...items, ...(outcomes.get('base') ?? [])], now)).toEqual(noAmis(whole));
    expect(whole.channels[2]?.waiting?.version).toBe('1.0.0/2');
    expect(whole.channels[0]?.lagBuilds).toBe(0);
    expect(whole.channels[2]?.lagBuilds).toBe(1);
  });
});

describe('readOutcomes', () => {
  it('reads the outcomes several images need in one batched request, each image’s in sort-key order', async () => {
    await documentClient().send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          pk: 'IMAGE#other',
          sk: 'PROMOTION#9.9.9/1#dev',
          version: '9.9.9/1',
          channel: 'dev',
          outcome: 'promoted',
        },
      }),
    );
    const send = vi.spyOn(documentClient(), 'send');

    const found = await readOutcomes(
      [
        {
          image: 'base',
          refs: [
            { version: '1.0.0/2', channel: 'dev' },
            { version: '1.0.0/1', channel: 'prod' },
            { version: '1.0.0/2', channel: 'prod' },
          ],
        },
        { image: 'other', refs: [{ version: '9.9.9/1', channel: 'dev' }] },
        { image: 'idle', refs: [] },
      ],
      { table: TABLE, attributes: ['sk', 'outcome'] },
    );
    const calls = send.mock.calls.length;
    send.mockRestore();

    expect(calls).toBe(1);
    expect(found.get('base')?.map((i) => i.sk)).toEqual(['PROMOTION#1.0.0/1#prod', 'PROMOTION#1.0.0/2#dev']);
    expect(found.get('other')).toEqual([{ pk: 'IMAGE#other', sk: 'PROMOTION#9.9.9/1#dev', outcome: 'promoted' }]);
    expect(found.get('idle')).toEqual([]);
  });
});
