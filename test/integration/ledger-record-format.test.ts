import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBuilds } from '../../aws/builds/build-handling.js';
import { pendingIntents } from '../../aws/builds/intents.js';
import { readImageViews } from '../../aws/ledger/image-view-index.js';
import { ledgerFormatHooks } from '../../aws/ledger/ledger-format.js';
import { runLedgerMigrations } from '../../aws/ledger/migrations.js';
import { resetApprovalSecret } from '../../aws/promotion/approval-secret.js';
import { getChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { type ApprovalRecord, undeliveredDecisions } from '../../aws/promotion/promotion-approvals.js';
import { pausedPromotions } from '../../aws/promotion/promotion-pauses.js';
import { approvalTaskToken } from '../../aws/promotion/task-tokens.js';
import { claimMarker, readMarkers, recordBuildRequested } from '../../aws/triggers/ledger.js';
import { RecordFormatError } from '../../core/ledger/record-format.js';
import { MIGRATIONS } from '../../local/snapshot/migrations.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';

/**
 * Release 0.2.0's ledger items (test/fixtures/releases/0.2.0/ledger-items.json): written by that release's own
 * writers (claimMarker, recordDecision, recordBuildRequested, recordBuildStatus, moveChannelPointer,
 * recordApprovalRequest, claimApprovalDecision, recordPause, recordIntent, run from its checkout against dynalite)
 * and scanned back as they were stored. They carry no `recordFormat`.
 */
type Item = Record<string, unknown>;
const released = JSON.parse(
  readFileSync(new URL('../fixtures/releases/0.2.0/ledger-items.json', import.meta.url), 'utf8'),
) as Item[];
const INDEX_KEYS = ['view', 'viewSk', 'openWork'];

const dynamo = useLocalDynamo();
/** A document client without Goldsmith's record format: what another release, or the table itself, holds. */
let raw: DynamoDBDocumentClient;

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  const base = localLedgerClient(dynamo.endpoint);
  await recreateLedgerTable(base);
  raw = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  raw.middlewareStack = base.middlewareStack.clone();
});
afterEach(() => {
  ledgerFormatHooks.onRefused = () => undefined;
});

async function store(items: readonly Item[]): Promise<void> {
  for (const Item of items) await raw.send(new PutCommand({ TableName: 'ledger', Item }));
}
async function held(): Promise<Item[]> {
  const out = await raw.send(new ScanCommand({ TableName: 'ledger' }));
  return (out.Items ?? []).sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}
const bySk = (sk: string): Item => {
  const item = released.find((i) => i.sk === sk);
  if (!item) throw new Error(`fixture has no ${sk}`);
  return item;
};

describe('records of release 0.2.0', () => {
  it('are read by this release as they were written', async () => {
    await store(released);
    const marker = released.find((i) => i.sk === 'MARKER') as Item;
    const markers = await readMarkers([String(marker.dedupeKey)]);
    expect(markers.get(String(marker.dedupeKey))?.state).toBe('started');
    expect((await undeliveredDecisions()).map((a) => `${a.channel}:${a.decision}`)).toEqual(['staging:approve']);
    expect((await pausedPromotions()).map((p) => `${p.image} ${p.version} ${p.status}`)).toEqual([
      'base 1.0.0/1 paused',
    ]);
    expect((await pendingIntents()).map((i) => i.changeId)).toEqual(['schedule:base@2027-01-14T03:00:00Z']);
    expect((await openBuilds()).map((b) => b.version)).toEqual(['1.0.0/1']);
    expect((await getChannelPointer('base', 'dev'))?.amis).toEqual([
      { region: 'us-east-1', imageId: 'ami-0123456789abcdef0' },
    ]);
    expect([...((await readImageViews()).get('base') ?? [])].map((i) => i.sk).sort()).toEqual([
      'APPROVAL#1.0.0/1#prod',
      'APPROVAL#1.0.0/1#staging',
      'BUILD#1.0.0/1',
      'CHANNEL#dev',
    ]);
  });
});

describe('a record of a newer format', () => {
  const newer = (item: Item): Item => ({ ...item, recordFormat: 3, writtenBy: 'a later release' });

  it('is refused by a read of its own, said and left as it is', async () => {
    const marker = newer(bySk('MARKER'));
    await store([marker]);
    const refused: string[] = [];
    ledgerFormatHooks.onRefused = (r) => refused.push(`${r.key}: ${r.reason}`);
    await expect(readMarkers([String(marker.dedupeKey)])).rejects.toThrow(RecordFormatError);
    await expect(readMarkers([String(marker.dedupeKey)])).rejects.toThrow(
      /recordFormat 3 is newer than this release reads \(2\); left as it is/,
    );
    expect(refused[0]).toBe(`${marker.pk} / MARKER: recordFormat 3 is newer than this release reads (2)`);
    expect(await held()).toEqual([marker]);
  });

  it('is left out of a list, the others read as usual, and counted', async () => {
    const intent = released.find((i) => i.pk === 'INTENTS') as Item;
    const later = newer({ ...intent, sk: 'INTENT#2027-02-14T03:00:00Z#schedule:base@2027-02-14T03:00:00Z' });
    await store([intent, later]);
    const refused: string[] = [];
    ledgerFormatHooks.onRefused = (r, operation) => refused.push(`${operation} ${r.key}`);
    expect((await pendingIntents()).map((i) => i.sk)).toEqual([intent.sk]);
    expect(refused).toEqual([`QueryCommand INTENTS / ${later.sk}`]);
  });

  it('is never written over: a write of this release fails its condition and changes nothing', async () => {
    const marker = newer({ ...bySk('MARKER'), state: 'released', releases: 1 });
    await store([marker]);
    const decision = {
      image: 'base',
      outcome: 'start' as const,
      reason: 'monthly patch window',
      trigger: 'schedule' as const,
      changeId: String(marker.changeId),
      dedupeKey: String(marker.dedupeKey),
      clientToken: 'token-2',
      resume: false,
      reclaims: 1,
    };
    expect(await claimMarker(decision, new Date('2027-02-14T03:00:00Z'))).toBe(false);
    expect(await held()).toEqual([marker]);
  });
});

describe('this release', () => {
  it('stamps what every writer puts or updates with its format', async () => {
    const decision = {
      image: 'base',
      outcome: 'start' as const,
      reason: 'monthly patch window',
      trigger: 'schedule' as const,
      changeId: 'schedule:base@2027-02-14T03:00:00Z',
      dedupeKey: 'base|schedule:base@2027-02-14T03:00:00Z',
      clientToken: 'token-3',
      resume: false,
    };
    await claimMarker(decision, new Date('2027-02-14T03:00:00Z'));
    await recordBuildRequested(
      decision,
      { buildVersion: '1.0.0/2', buildVersionArn: 'arn:aws:imagebuilder:us-east-1:111122223333:image/base/1.0.0/2' },
      new Date('2027-02-14T03:00:00Z'),
    );
    expect((await held()).map((i) => `${i.sk} ${i.recordFormat}`)).toEqual(['MARKER 2', 'BUILD#1.0.0/2 2']);
  });
});

describe('the ledger migration', () => {
  /** 0.2.0's items as a ledger older than its indexes holds them: without the index keys. */
  const beforeIndexes = released.map((item) =>
    Object.fromEntries(Object.entries(item).filter(([k]) => !INDEX_KEYS.includes(k))),
  );

  it('brings every item to this format with the index keys its writer sets today, in bounded runs', async () => {
    await store(beforeIndexes);
    expect((await undeliveredDecisions()).length).toBe(0);
    expect((await readImageViews()).size).toBe(0);

    const runs = [];
    for (let i = 0; i < 10; i += 1) {
      const run = await runLedgerMigrations({ pages: 1, pageItems: 3 });
      runs.push(run);
      if (run.done) break;
    }
    // 8 items, 3 a page and one page a run: 3 runs, each reading no more than its page.
    expect(runs.map((r) => [r.scanned, r.done])).toEqual([
      [3, false],
      [3, false],
      [2, true],
    ]);
    expect(runs.reduce((n, r) => n + r.migrated, 0)).toBe(8);
    const after = (await held()).filter((i) => i.pk !== 'MIGRATIONS');
    expect(after).toEqual(released.map((i) => ({ ...i, recordFormat: 2 })));
    expect((await undeliveredDecisions()).map((a) => a.channel)).toEqual(['staging']);
    expect((await pausedPromotions()).length).toBe(1);
    expect((await pendingIntents()).length).toBe(1);
    expect((await openBuilds()).length).toBe(1);
    expect((await readImageViews()).get('base')?.length).toBe(4);
  });

  it("seals the task tokens 0.2.0 kept in the clear, where the walk's function reads the task-token key", async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 't'.repeat(64) });
    process.env.TASK_TOKEN_SECRET_NAME = 'goldsmith/test/task-tokens';
    resetApprovalSecret();
    try {
      await store(beforeIndexes);
      expect((await runLedgerMigrations()).done).toBe(true);
      const approvals = (await held()).filter((i) => String(i.sk).startsWith('APPROVAL#'));
      expect(approvals).toHaveLength(2);
      for (const approval of approvals) {
        const before = bySk(String(approval.sk));
        expect(approval.taskToken).toMatch(/^sealed:v1:/);
        expect(JSON.stringify(approval)).not.toContain(String(before.taskToken));
        expect(await approvalTaskToken(approval as unknown as ApprovalRecord)).toBe(before.taskToken);
      }
      // Everything else as the walk without the key leaves it.
      const others = (await held()).filter((i) => i.pk !== 'MIGRATIONS' && !String(i.sk).startsWith('APPROVAL#'));
      expect(others).toEqual(
        released.filter((i) => !String(i.sk).startsWith('APPROVAL#')).map((i) => ({ ...i, recordFormat: 2 })),
      );
    } finally {
      delete process.env.TASK_TOKEN_SECRET_NAME;
      secrets.restore();
    }
  });

  it("seals them in the local rehearsal's upgrade too, with the key name the upgraded reconciler's environment holds", async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 't'.repeat(64) });
    resetApprovalSecret();
    try {
      await store(beforeIndexes);
      const [ledger] = MIGRATIONS;
      const line = await ledger?.run({
        from: '0.2.0',
        to: '0.3.0',
        tables: ['ledger'],
        environment: { TASK_TOKEN_SECRET_NAME: 'goldsmith/local/task-tokens', LEDGER_TABLE: 'ignored' },
      });
      expect(line).toMatch(/brought to format 2$/);
      const approvals = (await held()).filter((i) => String(i.sk).startsWith('APPROVAL#'));
      expect(approvals.map((a) => String(a.taskToken).slice(0, 10))).toEqual(['sealed:v1:', 'sealed:v1:']);
      expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input.SecretId).toBe(
        'goldsmith/local/task-tokens',
      );
      // The walk's environment is put back as it was.
      expect(process.env.TASK_TOKEN_SECRET_NAME).toBeUndefined();
      expect(process.env.LEDGER_TABLE).toBe('ledger');
    } finally {
      secrets.restore();
    }
  });

  it('changes nothing the second time', async () => {
    await store(beforeIndexes);
    expect((await runLedgerMigrations()).done).toBe(true);
    const once = await held();
    const again = await runLedgerMigrations();
    expect(again).toEqual({ done: true, scanned: 0, migrated: 0, movedOn: 0 });
    expect(await held()).toEqual(once);
  });

  it('leaves closed work closed and a newer record untouched', async () => {
    const sent = { ...beforeIndexes.find((i) => i.sk === 'APPROVAL#1.0.0/1#staging'), sentAt: '2027-01-18T04:01:00Z' };
    const newer = { ...bySk('PAUSED#1.0.0/1'), recordFormat: 3 };
    await store([sent, newer]);
    const run = await runLedgerMigrations();
    expect(run).toMatchObject({ scanned: 1, migrated: 1 });
    const [approval, pause] = await held();
    expect(approval?.openWork).toBeUndefined();
    expect(approval?.view).toBe('image');
    expect(pause).toEqual(newer);
    expect(
      (await raw.send(new GetCommand({ TableName: 'ledger', Key: { pk: 'MIGRATIONS', sk: 'FORMAT#2' } }))).Item,
    ).toMatchObject({ done: true, scanned: 1, migrated: 1 });
  });
});
