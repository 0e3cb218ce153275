import { ListAccountsForParentCommand } from '@aws-sdk/client-organizations';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { readImagePartition } from '../../aws/ledger/image-partition.js';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { main } from '../../cli/main.js';
import { rolloutSk } from '../../core/ledger/keys.js';
import { rolloutAction } from '../../functions/operator/rollout.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import { captureOutput } from '../helpers/output.js';
import { writeSavedCloud } from '../helpers/saved-cloud.js';
import { testTempDir } from '../helpers/temp-dir.js';
import {
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  org,
  PRD1,
  PRD2,
  REST,
  rolloutCatalog,
  useRolloutWorld,
  WAVE1,
  world,
} from './rollout-fixtures.js';

/** A fourth member account, in the second OU. */
const FOURTH = '200000000004';
const ACCOUNTS = [CANARY, WAVE1, REST, FOURTH];
const PER_ACCOUNT = 300;
/** Auto Scaling's longest group name: 255 characters. */
const longName = (account: string, i: number) => `${account}-${String(i).padStart(4, '0')}-`.padEnd(255, 'x');

describe('a wave of 1,200 ready groups with 255-character names across 4 accounts', () => {
  useRolloutWorld();
  beforeEach(() => {
    process.env.GOLDSMITH_CATALOG = JSON.stringify(
      rolloutCatalog({ waves: [{ name: 'canary', accounts: ACCOUNTS }], alarms: [] }),
    );
    org.on(ListAccountsForParentCommand).callsFake((i: { ParentId: string }) => ({
      Accounts: (i.ParentId === PRD1 ? [CANARY, WAVE1] : i.ParentId === PRD2 ? [REST, FOURTH] : []).map((Id) => ({
        Id,
        State: 'ACTIVE',
      })),
    }));
    for (const account of ACCOUNTS)
      for (let i = 0; i < PER_ACCOUNT; i += 1) followingGroup(account, longName(account, i));
  });

  it('starts and records every refresh, reads them all back, cancels all 1,200 on abort, and rollout status counts them', async () => {
    expect(await startRollout(INPUT)).toMatchObject({ done: false, state: 'running' });
    expect(world.started).toHaveLength(1200);

    // Every group is recorded, read back whole; the record itself holds counts, its groups live in chunk items.
    const started = await readRollout(INPUT.image, INPUT.channel, INPUT.version);
    const groups = started?.waves[0]?.groups ?? [];
    expect(groups).toHaveLength(1200);
    expect(new Set(groups.map((g) => g.group)).size).toBe(1200);
    expect(new Set(groups.map((g) => g.account))).toEqual(new Set(ACCOUNTS));
    expect(groups.every((g) => g.group.length === 255 && g.refreshId !== '')).toBe(true);
    const items = await readImagePartition(INPUT.image, 'ledger');
    const sk = rolloutSk(INPUT.channel, INPUT.version);
    const stored = items.find((i) => i.sk === sk);
    expect(stored?.waves).toMatchObject([{ groups: [], groupChunks: 12, groupsByStatus: { Pending: 1200 } }]);
    for (const item of items.filter((i) => String(i.sk).startsWith(sk))) {
      expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThan(400 * 1024);
    }

    // The check step reads every refresh back from Auto Scaling and records what it reported.
    for (const account of ACCOUNTS) for (const r of memberOf(account).refreshes) r.status = 'InProgress';
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'running', currentWave: 0 });
    const checked = await readRollout(INPUT.image, INPUT.channel, INPUT.version);
    expect(checked?.waves[0]?.groups.filter((g) => g.status === 'InProgress')).toHaveLength(1200);

    // The operator's abort, then the engine cancels every refresh still running.
    const aborted = await rolloutAction(
      { action: 'rollout-abort', image: INPUT.image, channel: INPUT.channel, reason: 'too big to watch' },
      'arn:aws:sts::123456789012:assumed-role/ops/alice',
      new Date('2027-01-02T00:00:00Z'),
    );
    expect(aborted).toMatchObject({ state: 'aborted' });
    await checkWave(INPUT);
    const refreshes = ACCOUNTS.flatMap((a) => memberOf(a).refreshes);
    expect(refreshes).toHaveLength(1200);
    expect(refreshes.every((r) => r.status === 'Cancelling')).toBe(true);
    for (const r of refreshes) r.status = 'Cancelled';
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'aborted' });

    // `goldsmith rollout status` reads the ledger as saved and lists every group, each as AWS last reported it.
    const dir = await writeSavedCloud(testTempDir('goldsmith-big-wave-'), {
      catalogFile: new URL('../../goldsmith.config.ts', import.meta.url).pathname,
      at: '2027-01-03T00:00:00.000Z',
      ledger: await readImagePartition(INPUT.image, 'ledger'),
    });
    const out = await captureOutput(() => main(['rollout', 'status', 'base', 'prod', '--local', dir]));
    expect(out.stdout).toContain('aborted');
    expect(out.stdout.split('\n').filter((l) => l.includes(': Cancelled (template'))).toHaveLength(1200);
  }, 120_000);
});

describe('the local DynamoDB enforces the 400 KB item limit', () => {
  useRolloutWorld();

  it('refuses an item over 400 KB with ValidationException, as DynamoDB does', async () => {
    const put = (bytes: number) =>
      documentClient().send(
        new PutCommand({ TableName: 'ledger', Item: { pk: 'IMAGE#base', sk: 'BIG', blob: 'x'.repeat(bytes) } }),
      );
    await expect(put(400 * 1024)).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Item size has exceeded the maximum allowed size'),
    });
    await expect(put(300 * 1024)).resolves.toBeDefined();
  });
});
