import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { parseNotification } from '../../events/notification.js';
import { sendMonthlySummary } from '../../functions/monthly-summary.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import { localLedgerClient, recreateLedgerTable } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { catalog } from './promotion-fixtures.js';

const SCHEDULED = { summary: 'monthly' as const, scheduledTime: '2027-02-01T09:00:00Z' };

let dynamo: LocalDynamo;
const sns = mockClient(SNSClient);

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});

afterAll(async () => {
  configureClients({});
  await dynamo?.stop();
});

async function put(item: Record<string, unknown>): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: 'ledger', Item: item }));
}

/** A fresh ledger with January 2027 of base: the patch build promoted to prod, the next one waiting for approval. */
async function january(): Promise<void> {
  const ddb = localLedgerClient(dynamo.endpoint);
  await recreateLedgerTable(ddb);
  const cost = { currency: 'USD', total: 0.42, storagePerMonth: 1.2, finishedAt: '2027-01-14T05:00:00Z' };
  await put({
    pk: 'IMAGE#base',
    sk: 'BUILD#1.0.0/1',
    kind: 'build',
    buildVersion: '1.0.0/1',
    status: 'AVAILABLE',
    requestedAt: '2027-01-14T03:00:00Z',
    updatedAt: '2027-01-14T05:00:00Z',
    cost,
  });
  for (const [channel, at] of [
    ['dev', '2027-01-14T06:00:00Z'],
    ['staging', '2027-01-15T06:00:00Z'],
    ['prod', '2027-01-18T12:00:00Z'],
  ]) {
    await put({
      pk: 'IMAGE#base',
      sk: `PROMOTION#1.0.0/1#${channel}`,
      kind: 'promotion',
      version: '1.0.0/1',
      channel,
      outcome: 'promoted',
      at,
    });
  }
  await put({
    pk: 'IMAGE#base',
    sk: 'APPROVAL#1.0.0/2#prod',
    kind: 'approval',
    version: '1.0.0/2',
    channel: 'prod',
    approvers: ['ops-lead', 'security-reviewer'],
    requestedAt: '2027-01-30T10:00:00Z',
    expiresAt: '2027-02-02T10:00:00Z',
  });
}

const published = () =>
  sns.commandCalls(PublishCommand).map((c) => {
    const bodies = JSON.parse(c.args[0].input.Message ?? '{}') as { default: string };
    const parsed = parseNotification(JSON.parse(bodies.default));
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.notification;
  });

describe('the monthly summary', () => {
  beforeEach(async () => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await january();
    // The schedule fires on the 1st at 09:00; the function runs then.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2027-02-01T09:00:30Z') });
  });

  afterEach(() => {
    sns.reset();
    vi.useRealTimers();
  });

  it('announces the month before the scheduled time: builds, promotions, patch day to prod, who is awaited, cost', async () => {
    expect(await sendMonthlySummary(SCHEDULED)).toEqual({ month: '2027-01', computed: true, published: true });

    const [summary] = published();
    expect(summary?.event).toBe('monthly-summary');
    if (summary?.event !== 'monthly-summary') return;
    expect(summary.detail.images.find((i) => i.image === 'base')).toMatchObject({
      built: 1,
      failed: 0,
      promoted: 3,
      rejected: 0,
      patchToProdHours: 156,
    });
    expect(summary.detail.waiting).toEqual([
      expect.objectContaining({ version: '1.0.0/2', channel: 'prod', on: ['ops-lead', 'security-reviewer'] }),
    ]);
    expect(summary.detail.cost).toMatchObject({ currency: 'USD', builds: 0.42 });
    expect(summary.title).toBe('Golden images, 2027-01: 1 build, 3 promotions');
  });

  it('sends one summary a month, however often and however concurrently the schedule delivers', async () => {
    await Promise.all([sendMonthlySummary(SCHEDULED), sendMonthlySummary(SCHEDULED)]);
    const again = await sendMonthlySummary({ ...SCHEDULED, scheduledTime: '2027-02-01T09:05:00Z' });

    expect(again).toMatchObject({ month: '2027-01', computed: false });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('keeps the first document: what happens after it was sent does not rewrite the month', async () => {
    await sendMonthlySummary(SCHEDULED);
    sns.reset();
    sns.on(PublishCommand).rejects(new Error('InternalError'));
    await put({
      pk: 'IMAGE#base',
      sk: 'PROMOTION#1.0.0/2#prod',
      kind: 'promotion',
      version: '1.0.0/2',
      channel: 'prod',
      outcome: 'promoted',
      at: '2027-01-31T12:00:00Z',
    });

    expect(await sendMonthlySummary(SCHEDULED)).toMatchObject({ computed: false, published: true });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('sends nothing for a month before the factory built anything (it was deployed later)', async () => {
    expect(await sendMonthlySummary({ ...SCHEDULED, scheduledTime: '2027-01-01T09:00:00Z' })).toEqual({
      month: '2026-12',
      computed: false,
      published: false,
      skipped: 'no build was requested before 2026-12 ended',
    });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('keeps and sends nothing for a month that is not over (an early or forged input cannot freeze a partial month)', async () => {
    vi.setSystemTime(new Date('2027-01-20T10:00:00Z'));
    expect(await sendMonthlySummary({ ...SCHEDULED, month: '2027-01' })).toEqual({
      month: '2027-01',
      computed: false,
      published: false,
      skipped: '2027-01 is not over yet: nothing kept or sent',
    });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    // When the month is over, the real run computes the whole month and sends it.
    vi.setSystemTime(new Date('2027-02-01T09:00:30Z'));
    expect(await sendMonthlySummary(SCHEDULED)).toEqual({ month: '2027-01', computed: true, published: true });
  });
});
