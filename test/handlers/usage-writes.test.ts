import { CreateImageUsageReportCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import type { ReportRead } from '../../aws/fleet/image-usage.js';
import type { UsageItem } from '../../aws/fleet/usage-ledger.js';
import { recordUsageWrites, UsageWrites, usageRequestCleared, usageRequested } from '../../aws/fleet/usage-writes.js';
import { refreshUsage } from '../../functions/lifecycle/usage.js';
import { type InProcessDynamo, startInProcessDynamo } from '../../local/dynalite-in-process.js';
import { createLedgerTable, localLedgerClient } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';

/**
 * The usage pass's writes to a ledger in dynalite (in process, with the local cloud's TransactWriteItems): an image's
 * reports recorded together, each still conditional on the report the pass read.
 */

const TABLE = 'ledger-usage-writes';
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2'];
const NOW = new Date('2027-03-21T03:00:00.000Z');
const builds = [{ version: '1.0.0/1', promotions: [{ channel: 'dev', at: '2027-02-18T00:00:00.000Z' }] }];
const amis = async () => REGIONS.map((region, i) => ({ region, imageId: `ami-0000000000000000${i}` }));
const reportOf = (region: string) => `amiur-${region.replace(/-/g, '')}yesterday`.slice(0, 23);
const nextOf = (imageId: string) => `amiur-next${imageId.slice(-8)}`;

/** An AMI asked about yesterday: its report pending in the ledger. */
const waiting = (region: string, i: number) => ({
  pk: 'IMAGE#base',
  sk: `USAGE#1.0.0/1#${region}`,
  image: 'base',
  version: '1.0.0/1',
  region,
  imageId: `ami-0000000000000000${i}`,
  reportId: reportOf(region),
  requestedAt: '2027-03-20T03:00:00.000Z',
  openWork: 'usage-report',
});
/** Each report read: two instances of one account. */
const reports = new Map<string, ReportRead>(
  REGIONS.map((r) => [
    reportOf(r),
    { state: 'available', entries: [{ AccountId: '200000000001', ResourceType: 'ec2:Instance', UsageCount: 2 }] },
  ]),
);
const stored = async (region: string) =>
  (
    await documentClient().send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'IMAGE#base', sk: `USAGE#1.0.0/1#${region}` } }),
    )
  ).Item;

let dynamo: InProcessDynamo;
let ec2: ReturnType<typeof mockClient>;

beforeAll(async () => {
  dynamo = startInProcessDynamo();
  await createLedgerTable(localLedgerClient(dynamo), TABLE);
});
afterAll(() => configureClients({}));
beforeEach(() => {
  vi.stubEnv('LEDGER_TABLE', TABLE);
  ec2 = mockClient(EC2Client);
  ec2
    .on(CreateImageUsageReportCommand)
    .callsFake((input: { ImageId: string }) => ({ ReportId: nextOf(input.ImageId) }));
});
afterEach(() => {
  ec2.restore();
  vi.unstubAllEnvs();
});

/** The ledger requests `run` sends, by command. */
async function requestsOf(run: () => Promise<unknown>): Promise<string[]> {
  const send = vi.spyOn(documentClient(), 'send');
  try {
    await run();
    return send.mock.calls.map(([command]) => command.constructor.name);
  } finally {
    send.mockRestore();
  }
}

describe('the usage pass’s writes', () => {
  it('records every report of an image it read, with the next one asked for, in one request', async () => {
    const items = REGIONS.map(waiting);
    for (const item of items) await documentClient().send(new PutCommand({ TableName: TABLE, Item: item }));

    let after: UsageItem[] = [];
    const sent = await requestsOf(async () => {
      after = await refreshUsage('base', builds, amis, NOW, { items: items.map((i) => ({ ...i })), reports });
    });

    expect(sent).toEqual([TransactWriteCommand.name]);
    for (const [i, region] of REGIONS.entries()) {
      expect(await stored(region)).toMatchObject({
        reportId: nextOf(`ami-0000000000000000${i}`),
        requestedAt: NOW.toISOString(),
        lastReportId: reportOf(region),
        lastRequestedAt: '2027-03-20T03:00:00.000Z',
        observedAt: NOW.toISOString(),
        instances: 2,
        openWork: 'usage-report',
      });
    }
    expect(after.map((i) => i.reportId)).toEqual(REGIONS.map((_, i) => nextOf(`ami-0000000000000000${i}`)));
    // A second pass finds each report pending and writes nothing.
    const again = await requestsOf(() => refreshUsage('base', builds, amis, NOW, { items: after, reports }));
    expect(again).toEqual([]);
  });

  it('records the others when a concurrent pass recorded one first, and leaves that one as it recorded it', async () => {
    const items = REGIONS.map(waiting);
    for (const item of items) await documentClient().send(new PutCommand({ TableName: TABLE, Item: item }));
    // After this pass read the partition, another recorded us-east-1's report and asked for the next.
    await documentClient().send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'IMAGE#base', sk: 'USAGE#1.0.0/1#us-east-1' },
        UpdateExpression: 'SET reportId = :other, observedAt = :at, instances = :n',
        ExpressionAttributeValues: { ':other': 'amiur-0000000otherpass', ':at': '2027-03-21T02:59:00.000Z', ':n': 7 },
      }),
    );

    let after: UsageItem[] = [];
    const sent = await requestsOf(async () => {
      after = await refreshUsage('base', builds, amis, NOW, { items: items.map((i) => ({ ...i })), reports });
    });

    // The transaction is cancelled on us-east-1's condition; each write is then sent alone.
    expect(sent).toEqual([TransactWriteCommand.name, ...REGIONS.map(() => UpdateCommand.name)]);
    expect(await stored('eu-west-1')).toMatchObject({ reportId: nextOf('ami-00000000000000000'), instances: 2 });
    expect(await stored('us-west-2')).toMatchObject({ reportId: nextOf('ami-00000000000000002'), instances: 2 });
    expect(await stored('us-east-1')).toMatchObject({ reportId: 'amiur-0000000otherpass', instances: 7 });
    // The pass's own view keeps us-east-1 as it read it: its write did not take effect.
    expect(after.find((i) => i.region === 'us-east-1')).toMatchObject({ reportId: reportOf('us-east-1') });
    expect(after.find((i) => i.region === 'us-east-1')?.observedAt).toBeUndefined();
  });

  it('records the reports first asked for on a version’s AMIs in one request', async () => {
    let after: UsageItem[] = [];
    const sent = await requestsOf(async () => {
      after = await refreshUsage('fresh', builds, amis, NOW, { items: [], reports: new Map() });
    });

    expect(sent).toEqual([TransactWriteCommand.name]);
    expect(after.map((i) => [i.region, i.reportId])).toEqual(
      REGIONS.map((region, i) => [region, nextOf(`ami-0000000000000000${i}`)]),
    );
  });
});

describe('recordUsageWrites', () => {
  const requested = (version: string, region: string, reportId: string) =>
    usageRequested({ image: 'many', version, region, imageId: 'ami-00000000000000009' }, reportId, NOW.toISOString());

  it('sends up to 100 writes a transaction (TransactWriteItems’ limit), and each is recorded', async () => {
    const writes = Array.from({ length: 101 }, (_, i) => requested(`1.0.0/${i}`, 'us-east-1', `amiur-${i}`));
    let done: boolean[] = [];
    const sent = await requestsOf(async () => {
      done = await recordUsageWrites(writes);
    });

    expect(sent).toEqual([TransactWriteCommand.name, UpdateCommand.name]);
    expect(done).toEqual(writes.map(() => true));
    const last = await documentClient().send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'IMAGE#many', sk: 'USAGE#1.0.0/100#us-east-1' } }),
    );
    expect(last.Item).toMatchObject({ reportId: 'amiur-100', openWork: 'usage-report' });
  });

  it('sends a lone write again while another pass’s transaction holds its item (TransactionConflictException)', async () => {
    const write = requested('1.0.0/conflict', 'us-east-1', 'amiur-conflict');
    const send = vi.spyOn(documentClient(), 'send');
    const conflict = Object.assign(
      new Error('Operation was rejected because there is an ongoing transaction for the item.'),
      {
        name: 'TransactionConflictException',
      },
    );
    send.mockRejectedValueOnce(conflict);
    let done: boolean[] = [];
    let sent = 0;
    try {
      done = await recordUsageWrites([write]);
    } finally {
      sent = send.mock.calls.length;
      send.mockRestore();
    }
    expect(sent).toBe(2);
    expect(done).toEqual([true]);
    expect((await documentClient().send(new GetCommand({ TableName: TABLE, Key: write.Key }))).Item).toMatchObject({
      reportId: 'amiur-conflict',
    });
  });

  it('sends two writes on one item alone and in order, the second seeing the first', async () => {
    await documentClient().send(new PutCommand({ TableName: TABLE, Item: waiting('eu-west-1', 0) }));
    const key = { image: 'base', version: '1.0.0/1', region: 'eu-west-1' };
    let done: boolean[] = [];
    const sent = await requestsOf(async () => {
      done = await recordUsageWrites([
        usageRequestCleared(key, reportOf('eu-west-1'), 'report failed'),
        usageRequested({ ...key, imageId: 'ami-00000000000000000' }, 'amiur-askedagain', NOW.toISOString()),
      ]);
    });

    expect(sent).toEqual([UpdateCommand.name, UpdateCommand.name]);
    expect(done).toEqual([true, true]);
    expect(await stored('eu-west-1')).toMatchObject({ reportId: 'amiur-askedagain', lastReportError: 'report failed' });
  });
});

describe('UsageWrites.flush', () => {
  const requested = (region: string, reportId: string) =>
    usageRequested(
      { image: 'follow', version: '1.0.0/1', region, imageId: 'ami-00000000000000009' },
      reportId,
      NOW.toISOString(),
    );

  it('runs what follows every write though one follow-up throws (a late user is still told), then throws it', async () => {
    const writes = new UsageWrites();
    const followed: string[] = [];
    for (const region of REGIONS) {
      writes.add(requested(region, `amiur-${region}`), (recorded) => {
        followed.push(`${region} ${recorded}`);
        if (region === 'eu-west-1') throw new Error('the revocation read failed');
      });
    }

    await expect(writes.flush()).rejects.toThrow('the revocation read failed');
    expect(followed).toEqual(REGIONS.map((r) => `${r} true`));
  });

  it('runs what follows the writes sent before one failed, as taken effect, and the rest as not', async () => {
    await documentClient().send(new PutCommand({ TableName: TABLE, Item: waiting('eu-west-1', 0) }));
    const key = { image: 'base', version: '1.0.0/1', region: 'eu-west-1' };
    const writes = new UsageWrites();
    const followed: string[] = [];
    // Two writes on one item: sent alone, in order; the second's expression is one DynamoDB refuses.
    writes.add(usageRequestCleared(key, reportOf('eu-west-1'), 'report failed'), (r) => followed.push(`cleared ${r}`));
    writes.add({ ...usageRequestCleared(key, 'amiur-none', 'x'), UpdateExpression: 'SET' }, (r) =>
      followed.push(`refused ${r}`),
    );

    await expect(writes.flush()).rejects.toThrow();
    expect(followed).toEqual(['cleared true', 'refused false']);
    expect(await stored('eu-west-1')).toMatchObject({ lastReportError: 'report failed' });
  });
});
