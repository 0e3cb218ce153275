import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { listBuilds, listRevocations } from '../../aws/lifecycle/lifecycle-ledger.js';
import { listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import { retiredSharedOf } from '../../functions/sharing/retired-shared.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import { createLedgerTable, localLedgerClient } from '../helpers/ledger-table.js';

const TABLE = 'ledger-audit-reads';
const AMIS = [{ region: 'us-east-1', imageId: 'ami-1' }];
const TARGETS = { ous: [], accounts: ['111111111111'], accountTags: {}, exclude: { ous: [], accounts: [] } };
const PLAN = { image: 'base', channels: [{ name: 'prod', targets: TARGETS }] };
let dynamo: LocalDynamo;
const previousTable = process.env.LEDGER_TABLE;

/** A retired version still used by one account, promoted to prod; a live version besides. */
const ITEMS: Record<string, unknown>[] = [
  { sk: 'BUILD#1.0.0/1', buildVersion: '1.0.0/1', status: 'AVAILABLE', retiredAt: '2027-01-20T00:00:00Z' },
  { sk: 'BUILD#1.0.0/2', buildVersion: '1.0.0/2', status: 'AVAILABLE' },
  { sk: 'PROMOTION#1.0.0/1#prod', version: '1.0.0/1', channel: 'prod', outcome: 'promoted', amis: AMIS },
  { sk: 'PROMOTION#1.0.0/2#prod', version: '1.0.0/2', channel: 'prod', outcome: 'promoted', amis: AMIS },
  {
    sk: 'USAGE#1.0.0/1#us-east-1',
    image: 'base',
    version: '1.0.0/1',
    region: 'us-east-1',
    imageId: 'ami-1',
    observedAt: '2027-01-21T00:00:00Z',
    accounts: { '222222222222': { instances: 2, launchTemplates: 0 } },
    instances: 2,
    launchTemplates: 0,
  },
];

beforeAll(async () => {
  process.env.LEDGER_TABLE = TABLE;
  dynamo = await startLocalDynamo();
  await createLedgerTable(localLedgerClient(dynamo.endpoint), TABLE);
  for (const item of ITEMS) {
    await documentClient().send(new PutCommand({ TableName: TABLE, Item: { pk: 'IMAGE#base', ...item } }));
  }
});

afterAll(async () => {
  if (previousTable === undefined) delete process.env.LEDGER_TABLE;
  else process.env.LEDGER_TABLE = previousTable;
  configureClients({});
  await dynamo?.stop();
});

describe('the retired versions kept shared, worked out from reads the audit already made', () => {
  it('finds the same versions with two Queries (usage, holds) instead of five', async () => {
    const send = vi.spyOn(documentClient(), 'send');
    const alone = await retiredSharedOf(PLAN);
    const aloneCalls = send.mock.calls.length;
    const [builds, outcomes, revocations] = await Promise.all([
      listBuilds('base', ['retiredAt', 'deletedAt']),
      listOutcomes('base'),
      listRevocations('base'),
    ]);
    send.mockClear();
    const reused = await retiredSharedOf(PLAN, { builds, outcomes, revocations });
    const reusedCalls = send.mock.calls.length;
    send.mockRestore();

    expect(alone).toEqual([
      { image: 'base', version: '1.0.0/1', amis: AMIS, channels: PLAN.channels, users: ['222222222222'] },
    ]);
    expect(reused).toEqual(alone);
    expect(aloneCalls).toBe(5);
    expect(reusedCalls).toBe(2);
  });

  it('reads of each build only its key and whether it was retired or deleted, when asked for those', async () => {
    const builds = await listBuilds('base', ['retiredAt', 'deletedAt']);
    expect(builds).toEqual([
      { sk: 'BUILD#1.0.0/1', retiredAt: '2027-01-20T00:00:00Z', version: '1.0.0/1' },
      { sk: 'BUILD#1.0.0/2', version: '1.0.0/2' },
    ]);
  });
});
