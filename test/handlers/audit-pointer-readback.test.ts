import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordDrift } from '../../aws/audit/audit-ledger.js';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { rollBackChannelPointer } from '../../aws/lifecycle/lifecycle-ledger.js';
import { moveChannelPointer, stampRecordedMove } from '../../aws/promotion/channel-pointers.js';
import { recordPointerMove } from '../../aws/promotion/pointer-history.js';
import { type OutsideChangeEvent, outsideChangeEventSchema } from '../../events/outside-change.js';
import { auditChannelPointers } from '../../functions/audit/pointers.js';
import { readBackOutsideChange } from '../../functions/audit/readback.js';
import type { VirtualClock } from '../../local/clock.js';
import type { InstalledFakes } from '../../local/fakes/install.js';
import { useLocalDynamo } from '../helpers/ledger-table.js';
import { driftAnnouncements, startAuditCloud } from './audit-fixtures.js';

/**
 * Every pointer Publish writes raises a Parameter Store Change, which the holdings auditor reads back. Publish stamps
 * the channel's `CHANNEL#` item once it recorded the move (and the Regions where a drift of the pointer is open), so
 * the read-back of one Region reads that item alone: no read of the move's `POINTER#` record, no read of the open
 * drifts where none can be open. What it finds and puts back is what the three reads found.
 */

const ACCOUNT = '123456789012';
const [R1, R2] = ['eu-west-1', 'us-east-1'] as const;
const REGIONS = [R1, R2];
const NOW = new Date('2027-01-18T10:00:00Z');
const MOVED = '2027-01-10T00:00:00.000Z';
const NOTIFY = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-notifications`;
const VERSION = '1.0.0/4';
const NAME = '/goldsmith/base/dev';
const none = { ous: [], accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } };
const plans = [{ image: 'base', regions: REGIONS, channels: [{ name: 'dev', targets: none }] }];

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
let clock: VirtualClock;
/** The AMI the ledger names in each Region, and one someone else wrote over it. */
let ours: Record<string, string>;
let theirs: Record<string, string>;
const parameterReads = () => cloud.stats.apiCalls['ssm:GetParameters'] ?? 0;

/** The ledger requests sent from here on, by command (`BatchGetCommand`, `QueryCommand`, …). */
function ledgerRequests(): () => string[] {
  const send = vi.spyOn(documentClient(), 'send');
  const from = send.mock.calls.length;
  return () => send.mock.calls.slice(from).map(([command]) => command.constructor.name);
}

/** The reads among `requests`. */
const reads = (requests: readonly string[]) =>
  requests.filter((r) => r === 'BatchGetCommand' || r === 'GetCommand' || r === 'QueryCommand');

/** The Parameter Store Change of the dev pointer in `region`, as the PointerChangeRule hands it to the auditor. */
const readBack = (region: string) =>
  readBackOutsideChange(
    outsideChangeEventSchema.parse({
      source: 'aws.ssm',
      'detail-type': 'Parameter Store Change',
      region,
      detail: { name: NAME, operation: 'Update' },
    }) as OutsideChangeEvent,
    plans,
    NOW,
  );

const write = (region: string, value: string) =>
  ssmClient(region).send(
    new PutParameterCommand({
      Name: NAME,
      Value: value,
      Type: 'String',
      DataType: 'aws:ec2:image',
      Tier: 'Advanced',
      Overwrite: true,
    }),
  );

/** What the pointer holds in `region`. */
const held = async (region: string) =>
  (await ssmClient(region).send(new GetParameterCommand({ Name: NAME }))).Parameter?.Value;

/** The channel's `CHANNEL#` item as stored. */
const channelItem = async () =>
  (await documentClient().send(new GetCommand({ TableName: 'ledger', Key: { pk: 'IMAGE#base', sk: 'CHANNEL#dev' } })))
    .Item;

/** Publish's move of the dev pointer to VERSION in the ledger (`CHANNEL#`), at `at`. */
const moved = (at = MOVED) =>
  moveChannelPointer({
    image: 'base',
    channel: 'dev',
    version: VERSION,
    buildVersionArn: `arn:aws:imagebuilder:${R1}:${ACCOUNT}:image/base/${VERSION}`,
    amis: REGIONS.map((region) => ({ region, imageId: ours[region] ?? '' })),
    at,
  });

/**
 * Publish's writes of the dev pointer to VERSION: the ledger's pointer moved, every Region's parameter written, the
 * move recorded (`POINTER#`) and stamped on the item; `recorded`: not stamped (a Publish that stopped in between);
 * `earlier release`: the item as a release before the stamp wrote it (no `moveRecorded`).
 */
async function published(how: 'stamped' | 'recorded' | 'earlier release' = 'stamped', at = MOVED): Promise<void> {
  await moved(at);
  for (const region of REGIONS) await write(region, ours[region] ?? '');
  await recordPointerMove({ image: 'base', channel: 'dev', version: VERSION, at, regions: [] });
  if (how === 'stamped') await stampRecordedMove({ image: 'base', channel: 'dev', version: VERSION, at });
  if (how === 'earlier release') {
    await documentClient().send(
      new UpdateCommand({
        TableName: 'ledger',
        Key: { pk: 'IMAGE#base', sk: 'CHANNEL#dev' },
        UpdateExpression: 'REMOVE moveRecorded',
      }),
    );
  }
  // Parameter Store's write throughput and validation are settled before the read-back runs.
  await clock.run(clock.now() + 10_000);
}

/** Someone's PutParameter over the dev pointer in `region`, settled. */
async function overwritten(region: string): Promise<void> {
  await write(region, theirs[region] ?? '');
  await clock.run(clock.now() + 10_000);
}

beforeEach(async () => {
  // The read-back's wait for Parameter Store's validation passes at once (the writes settle on the fakes' clock).
  ({ clock, cloud } = await startAuditCloud(dynamo.endpoint, NOW, ACCOUNT, NOTIFY, (c) => async () => {
    await c.run(c.now() + 10_000);
  }));
  ours = {};
  theirs = {};
  for (const region of REGIONS) {
    ours[region] = cloud.fakes.ec2.registerImage(region, { name: `base ${VERSION}` }).imageId;
    theirs[region] = cloud.fakes.ec2.registerImage(region, { name: 'base by someone' }).imageId;
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  configureClients({});
});

describe('a Parameter Store Change of a pointer Publish wrote, recorded and stamped', () => {
  it('reads the ledger once (the channel item) and the parameter once, and finds nothing', async () => {
    await published();
    const requests = ledgerRequests();
    const reads = parameterReads();

    const part = await readBack(R1);

    expect(part.failures).toEqual([]);
    expect(part.findings).toEqual([]);
    expect(part.checked).toBe(1);
    expect(requests()).toEqual(['BatchGetCommand']);
    expect(parameterReads() - reads).toBe(1);
  });

  it('puts an overwritten pointer back, and the read-backs of that Region read its open drifts, no other', async () => {
    await published();
    await overwritten(R1);
    const requests = ledgerRequests();

    const part = await readBack(R1);

    expect(part.failures).toEqual([]);
    expect(part.findings).toEqual([
      expect.objectContaining({ region: R1, found: expect.stringContaining(theirs[R1] ?? '?'), repaired: true }),
    ]);
    expect(await held(R1)).toBe(ours[R1]);
    expect(driftAnnouncements(cloud, NOTIFY)).toHaveLength(1);
    // One read before the repair; the Region is marked on the item before the drift is recorded, the write answering
    // the item (no GetItem), then the drift is recorded; after the write the item is read again (still this move).
    expect(reads(requests())).toEqual(['BatchGetCommand', 'GetCommand']);
    expect(requests().slice(0, 3)).toEqual(['BatchGetCommand', 'UpdateCommand', 'PutCommand']);
    expect((await channelItem())?.driftRegions).toEqual([R1]);

    // The put back's own Parameter Store Change: that Region's open drifts are read; another Region's are not.
    const again = ledgerRequests();
    expect((await readBack(R1)).findings).toEqual([]);
    expect(again()).toEqual(['BatchGetCommand', 'QueryCommand']);
    const other = ledgerRequests();
    expect((await readBack(R2)).findings).toEqual([]);
    expect(other()).toEqual(['BatchGetCommand']);
  });

  it('puts back an overwrite made minutes after the move: the stamped move is done writing, nothing to wait for', async () => {
    // Publish moved, confirmed and stamped the pointer ten minutes before someone overwrites it.
    await published('stamped', new Date(NOW.getTime() - 10 * 60_000).toISOString());
    await overwritten(R1);

    const part = await readBack(R1);

    expect(part.findings).toEqual([expect.objectContaining({ region: R1, repaired: true })]);
    expect(await held(R1)).toBe(ours[R1]);
  });

  it('writes a rollback that lands while the pointer is put back over its own write: the rollback keeps the pointer', async () => {
    await published();
    await overwritten(R1);
    const older = cloud.fakes.ec2.registerImage(R1, { name: 'base 1.0.0/3' }).imageId;
    // A rollback to 1.0.0/3 moves the ledger and writes its value just as the audit's put-back goes out.
    const ssm = ssmClient(R1);
    const send = ssm.send.bind(ssm);
    vi.spyOn(ssm, 'send').mockImplementationOnce(async (command: Parameters<typeof send>[0]) => {
      await rollBackChannelPointer(VERSION, {
        image: 'base',
        channel: 'dev',
        version: '1.0.0/3',
        buildVersionArn: `arn:aws:imagebuilder:${R1}:${ACCOUNT}:image/base/1.0.0/3`,
        amis: [{ region: R1, imageId: older }],
        at: NOW.toISOString(),
      });
      await write(R1, older);
      return send(command);
    });

    const part = await readBack(R1);
    await clock.run(clock.now() + 10_000);

    expect(part.failures).toEqual([]);
    expect(await held(R1)).toBe(older);
  });

  it('names a Region on the item once, however often its pointer is overwritten and put back', async () => {
    await published();
    await overwritten(R1);
    await readBack(R1);
    await overwritten(R1);
    const requests = ledgerRequests();

    const part = await readBack(R1);

    expect(part.findings).toEqual([expect.objectContaining({ region: R1, repaired: true })]);
    expect(await held(R1)).toBe(ours[R1]);
    // The Region named already: the write changes nothing, and the item is read as it is now before the repair.
    expect(requests().slice(0, 4)).toEqual(['BatchGetCommand', 'UpdateCommand', 'GetCommand', 'PutCommand']);
    expect((await channelItem())?.driftRegions).toEqual([R1]);
  });

  it('confirms a drift left open before the move, in the Region Publish found it open', async () => {
    // An earlier version's pointer put back in R2, which Parameter Store had not shown by the end of that pass.
    const sk = `DRIFT#pointer#dev#${R2}#v3@2027-01-09`;
    await recordDrift({
      image: 'base',
      sk,
      resource: 'channel-pointer',
      channel: 'dev',
      version: '1.0.0/3',
      region: R2,
      found: 'ami-0someone (parameter version 3)',
      expected: 'ami-0earlier (1.0.0/3)',
      action: 'put back ami-0earlier',
      foundAt: '2027-01-09T10:00:00.000Z',
    });
    await published();
    expect((await channelItem())?.driftRegions).toEqual([R2]);
    const requests = ledgerRequests();

    expect((await readBack(R1)).findings).toEqual([]);
    expect(requests()).toEqual(['BatchGetCommand']);
    expect((await readBack(R2)).findings).toEqual([]);

    expect(requests()).toEqual(['BatchGetCommand', 'BatchGetCommand', 'QueryCommand', 'UpdateCommand']);
    const drift = await documentClient().send(new GetCommand({ TableName: 'ledger', Key: { pk: 'IMAGE#base', sk } }));
    expect(drift.Item).toMatchObject({ repairedAt: NOW.toISOString(), confirmed: `${ours[R2]} (parameter version 1)` });
  });

  it('the full pass reads no POINTER# record of a stamped pointer, and still reads the open drifts', async () => {
    await published();
    await overwritten(R2);
    const requests = ledgerRequests();

    const part = await auditChannelPointers(plans, NOW);

    expect(part.failures).toEqual([]);
    expect(part.findings.map((f) => [f.region, f.repaired])).toEqual([[R2, true]]);
    expect(await held(R2)).toBe(ours[R2]);
    expect(reads(requests())).toEqual(['BatchGetCommand', 'GetCommand', 'QueryCommand']);
    expect(requests().slice(0, 3)).toEqual(['BatchGetCommand', 'UpdateCommand', 'PutCommand']);
  });
});

describe("a Parameter Store Change of Publish's own write, before Publish recorded the move", () => {
  it('reads the ledger once and nothing else: the move is in flight, left to Publish', async () => {
    await moved(new Date(NOW.getTime() - 2_000).toISOString());
    await write(R1, ours[R1] ?? '');
    await clock.run(clock.now() + 10_000);
    const requests = ledgerRequests();
    const before = parameterReads();

    const part = await readBack(R1);

    expect(part).toMatchObject({ findings: [], failures: [], checked: 0 });
    expect(requests()).toEqual(['BatchGetCommand']);
    expect(parameterReads() - before).toBe(0);
  });
});

describe('a pointer item without the stamp', () => {
  it('written by an earlier release is judged by its POINTER# record: an overwrite is put back and confirmed', async () => {
    await published('earlier release');
    await overwritten(R1);
    const requests = ledgerRequests();

    const part = await readBack(R1);

    expect(part.failures).toEqual([]);
    expect(part.findings).toEqual([expect.objectContaining({ region: R1, repaired: true })]);
    expect(await held(R1)).toBe(ours[R1]);
    // The item, the move's record, the item again after the put-back, the open drifts; the drift marked, then recorded.
    expect(reads(requests())).toEqual(['BatchGetCommand', 'BatchGetCommand', 'GetCommand', 'QueryCommand']);
    expect(requests().slice(0, 4)).toEqual(['BatchGetCommand', 'BatchGetCommand', 'UpdateCommand', 'PutCommand']);
  });

  it('moved by a Publish that stopped before stamping its record is audited from that record, once settled', async () => {
    await published('recorded');
    await overwritten(R2);
    const requests = ledgerRequests();

    const part = await readBack(R2);

    expect(part.findings).toEqual([expect.objectContaining({ region: R2, repaired: true })]);
    expect(await held(R2)).toBe(ours[R2]);
    expect(reads(requests())).toEqual(['BatchGetCommand', 'BatchGetCommand', 'GetCommand', 'QueryCommand']);
  });

  it('whose move nobody recorded is left alone: nothing read from Parameter Store, nothing put back', async () => {
    await moved();
    await overwritten(R1);
    const reads = parameterReads();

    const part = await readBack(R1);

    expect(part.findings).toEqual([]);
    expect(part.checked).toBe(0);
    expect(parameterReads() - reads).toBe(0);
    expect(await held(R1)).toBe(theirs[R1]);
  });
});

describe("Publish's stamp", () => {
  it('lands only on the item its own move wrote: a pointer moved since is left unstamped and read as before', async () => {
    const amis = REGIONS.map((region) => ({ region, imageId: ours[region] ?? '' }));
    const pointer = { image: 'base', channel: 'dev', version: VERSION, buildVersionArn: 'arn', amis };
    await moveChannelPointer({ ...pointer, at: MOVED });
    // The same version moved again since (a retried Publish, or a rollback to it): another move's item.
    await documentClient().send(
      new PutCommand({
        TableName: 'ledger',
        Item: { pk: 'IMAGE#base', sk: 'CHANNEL#dev', kind: 'channel', ...pointer, at: '2027-01-11T00:00:00.000Z' },
      }),
    );

    expect(await stampRecordedMove({ image: 'base', channel: 'dev', version: VERSION, at: MOVED })).toBe(false);
    expect(await stampRecordedMove({ image: 'base', channel: 'newer', version: VERSION, at: MOVED })).toBe(false);
    expect(await channelItem()).not.toHaveProperty('moveRecorded');
    // Nothing was written for the channel with no pointer.
    const newer = await documentClient().send(
      new GetCommand({ TableName: 'ledger', Key: { pk: 'IMAGE#base', sk: 'CHANNEL#newer' } }),
    );
    expect(newer.Item).toBeUndefined();
  });

  it('is idempotent and keeps a Region the audit marked meanwhile', async () => {
    await published();
    await overwritten(R1);
    await readBack(R1);

    expect(await stampRecordedMove({ image: 'base', channel: 'dev', version: VERSION, at: MOVED })).toBe(true);

    expect(await channelItem()).toMatchObject({ moveRecorded: true, driftRegions: [R1] });
  });
});
