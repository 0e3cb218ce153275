import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { POINTER_NOT_TAKEN } from '../../core/promotion/pointer-taken.js';
import { publish } from '../../functions/promotion/publish.js';
import { parameterStore } from './parameter-store-mock.js';
import { AMIS, channelItem, OU } from './promotion-fixtures.js';
import { newPointerShare, usePublishWorld } from './publish-fixtures.js';

const POINTER = '/goldsmith/base/staging';
const waits: number[] = [];

/** The `Item`s Publish put in the ledger whose sort key starts with `prefix`. */
function itemsPut(ddb: ReturnType<typeof usePublishWorld>['ddb'], prefix: string) {
  return ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input.Item as { sk: string })
    .filter((i) => i.sk.startsWith(prefix));
}

describe('publish: a pointer is recorded only once Parameter Store holds it', () => {
  const { ddb, ssm, bus, sns, ram } = usePublishWorld({ Version: 7 });

  beforeEach(() => {
    newPointerShare(ram, [OU('ou-x1y2-stg00001'), OU('ou-x1y2-dev00001')]);
    // The read-back's waits between reads pass at once here; they are counted instead.
    waits.length = 0;
    configureClients({ sleep: async (ms) => void waits.push(ms) });
  });
  afterEach(() => configureClients({}));

  it('reads every region’s pointer back and records the version Parameter Store holds', async () => {
    await publish(channelItem('staging'));

    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: POINTER });
    // A payload without the attempt's counts (an execution started on an earlier definition): per Region one read
    // before the write (a retry writes nothing) and one read-back after the first wait.
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2 * AMIS.length);
    const [move] = itemsPut(ddb, 'POINTER#') as unknown as {
      regions: { region: string; parameterVersion: number }[];
    }[];
    expect(move?.regions.map((r) => [r.region, r.parameterVersion])).toEqual(AMIS.map((a) => [a.region, 7]));
  });

  it('stamps the recorded move on the channel’s item, with the Regions where a drift of its pointer is open', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        { sk: `DRIFT#pointer#staging#${AMIS[1]!.region}#v3@2027-01-09`, region: AMIS[1]!.region },
        {
          sk: `DRIFT#pointer#staging#${AMIS[0]!.region}#v2@2027-01-02`,
          region: AMIS[0]!.region,
          repairedAt: '2027-01-02T10:00:00.000Z',
        },
      ],
    });

    await publish(channelItem('staging'));

    // The move written not recorded yet (the audit leaves it to Publish), then its open drifts read.
    expect(itemsPut(ddb, 'CHANNEL#staging')).toMatchObject([{ version: '1.0.0/3', moveRecorded: false }]);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ConsistentRead: true,
      ExpressionAttributeValues: expect.objectContaining({ ':prefix': 'DRIFT#pointer#staging#' }),
    });
    const calls = ddb.calls().map((c) => c.args[0].input as { Key?: { sk?: string }; Item?: { sk?: string } });
    const recorded = calls.findIndex((i) => i.Item?.sk?.startsWith('POINTER#staging#'));
    const stamped = calls.findIndex((i) => i.Key?.sk === 'CHANNEL#staging');
    expect(recorded).toBeGreaterThanOrEqual(0);
    // Stamped once the move is recorded, only on the item this move wrote (its version and time).
    expect(stamped).toBeGreaterThan(recorded);
    const stamp = ddb.commandCalls(UpdateCommand).find((c) => c.args[0].input.Key?.sk === 'CHANNEL#staging');
    expect(stamp?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':recorded': true,
      ':version': '1.0.0/3',
      ':regions': [AMIS[1]!.region],
    });
    expect(stamp?.args[0].input.ConditionExpression).toContain('#at = :at');
  });

  it('throws PointerNotTaken, records no move and no promotion, when a region’s write did not take', async () => {
    const failing = AMIS[1]!.region;
    parameterStore(ssm, { Version: 7 }, (region) => region !== failing);

    const error = await publish(channelItem('staging')).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: POINTER_NOT_TAKEN });
    // An AMI value is validated after PutParameter answered, so each read-back waits first: the Region that took is
    // read once, after 2.5 s (one GetParameter); the other three times over 7.5 s before the step goes back to its
    // retries.
    expect(waits).toEqual([2_500, 2_500, 1_500, 3_500]);
    expect(String((error as Error).message)).toContain(
      `${POINTER} in ${failing} still holds nothing, not ${AMIS[1]!.imageId}`,
    );
    expect(itemsPut(ddb, 'POINTER#')).toEqual([]);
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { Key: { pk: 'IMAGE#base', sk: 'CHANNEL#staging' } });
    expect(itemsPut(ddb, 'PROMOTION#')).toEqual([]);
    expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('on a retry after its write took, recognizes the value and does not write it again', async () => {
    const held = parameterStore(ssm, { Version: 7 });
    for (const a of AMIS) held.set(`${a.region}|${POINTER}`, { value: a.imageId, version: 5 });

    await publish(channelItem('staging'));

    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    const [move] = itemsPut(ddb, 'POINTER#') as unknown as { regions: { parameterVersion: number }[] }[];
    expect(move?.regions.map((r) => r.parameterVersion)).toEqual([5, 5]);
    expect(itemsPut(ddb, 'PROMOTION#')).toMatchObject([{ outcome: 'promoted' }]);
  });

  it('on a first attempt (RetryCount and RedriveCount 0) writes without reading first, then reads back', async () => {
    await publish({ state: channelItem('staging'), attempt: { retryCount: 0, redriveCount: 0 } });

    const names = ssm.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);
    const pointerCalls = names.filter((n) => n === 'GetParameterCommand' || n === 'PutParameterCommand');
    // Each Region: PutParameter, then the read-back; no GetParameter before the first PutParameter.
    expect(pointerCalls.slice(0, AMIS.length)).toEqual(AMIS.map(() => 'PutParameterCommand'));
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, AMIS.length);
    expect(itemsPut(ddb, 'PROMOTION#')).toMatchObject([{ outcome: 'promoted' }]);
  });

  it('on a retry (RetryCount 1) that finds its earlier write, writes nothing', async () => {
    const held = parameterStore(ssm, { Version: 7 });
    for (const a of AMIS) held.set(`${a.region}|${POINTER}`, { value: a.imageId, version: 5 });

    await publish({ state: channelItem('staging'), attempt: { retryCount: 1, redriveCount: 0 } });

    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    const [move] = itemsPut(ddb, 'POINTER#') as unknown as { regions: { parameterVersion: number }[] }[];
    expect(move?.regions.map((r) => r.parameterVersion)).toEqual([5, 5]);
  });
});
