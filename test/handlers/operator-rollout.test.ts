import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { imagePk, rolloutSk } from '../../core/ledger/keys.js';
import type { RolloutRecord } from '../../core/rollout/record.js';
import { operatorEndpoint } from '../../functions/operator.js';
import { rolloutRecord } from '../fixtures/rollouts.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { catalog } from './promotion-fixtures.js';

const dynamo = useLocalDynamo();
const OPERATORS_ROLE = 'arn:aws:iam::111122223333:role/goldsmith-test-operators';
const ALICE = 'arn:aws:sts::111122223333:assumed-role/goldsmith-test-operators/alice';
const BOB = 'arn:aws:sts::111122223333:assumed-role/goldsmith-test-operators/bob';
const OUTSIDER = 'arn:aws:sts::111122223333:assumed-role/developers/eve';

const rollout = rolloutRecord;

const put = (r: RolloutRecord) =>
  documentClient().send(
    new PutCommand({ TableName: 'ledger', Item: { pk: imagePk(r.image), sk: rolloutSk(r.channel, r.version), ...r } }),
  );
const read = async (version = '1.0.0/3') =>
  (
    await documentClient().send(
      new GetCommand({
        TableName: 'ledger',
        Key: { pk: imagePk('base'), sk: rolloutSk('prod', version) },
        ConsistentRead: true,
      }),
    )
  ).Item as (RolloutRecord & { sk: string }) | undefined;

/** Sends one request to the operator endpoint as `caller`; the reply's status and body. */
async function operator(body: Record<string, unknown>, caller = ALICE) {
  const reply = await operatorEndpoint({
    body: JSON.stringify(body),
    requestContext: { requestId: 'req-1', http: { method: 'POST' }, authorizer: { iam: { userArn: caller } } },
  });
  return { status: reply.statusCode, body: JSON.parse(String(reply.body)) as Record<string, unknown> };
}

const sns = mockClient(SNSClient);
/** The rollout announcements published so far: event and title. */
const announced = () =>
  sns
    .commandCalls(PublishCommand)
    .map((c) => JSON.parse(JSON.parse(String(c.args[0].input.Message)).default) as { event: string; title: string })
    .filter((n) => n.event.startsWith('rollout-'))
    .map((n) => `${n.event}: ${n.title}`);

describe('operator endpoint: rollout pause, resume and abort', () => {
  beforeEach(async () => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.OPERATORS_ROLE_ARN = OPERATORS_ROLE;
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  });

  afterEach(() => {
    sns.reset();
  });

  it('pauses the running rollout once: a second pause says it is already paused, and changes nothing', async () => {
    await put(rollout());
    const pause = { action: 'rollout-pause', image: 'base', channel: 'prod', reason: 'peak trading week' };

    const first = await operator(pause);
    const after = await read();
    const second = await operator({ ...pause, reason: 'again' }, BOB);

    expect(first).toMatchObject({
      status: 200,
      body: { ok: true, result: { version: '1.0.0/3', state: 'paused', wave: 2, waves: 3, by: ALICE } },
    });
    expect(after).toMatchObject({ state: 'paused', by: ALICE, reason: 'peak trading week', openWork: 'rollout' });
    expect(second).toEqual({
      status: 409,
      body: {
        ok: false,
        error: `the rollout of base 1.0.0/3 to prod is already paused by ${ALICE} since ${after?.updatedAt}: peak trading week`,
      },
    });
    expect(await read()).toEqual(after);
    expect(announced()).toEqual(['rollout-paused: base 1.0.0/3: prod rollout paused at wave 2/3 (wave-1)']);
  });

  it('resumes a paused rollout, and refuses to resume one that runs', async () => {
    await put(rollout());
    await operator({ action: 'rollout-pause', image: 'base', channel: 'prod', reason: 'peak trading week' });

    const resumed = await operator({ action: 'rollout-resume', image: 'base', channel: 'prod' }, BOB);
    const again = await operator({ action: 'rollout-resume', image: 'base', channel: 'prod' }, BOB);

    expect(resumed).toMatchObject({ status: 200, body: { result: { state: 'running', by: BOB } } });
    const record = await read();
    expect(record?.state).toBe('running');
    expect(record?.reason).toBeUndefined();
    expect(record?.operatorActions?.map((a) => `${a.action} by ${a.by}`)).toEqual([
      `pause by ${ALICE}`,
      `resume by ${BOB}`,
    ]);
    expect(again).toEqual({
      status: 409,
      body: {
        ok: false,
        error: 'the rollout of base 1.0.0/3 to prod is not paused: it is running, wave 2/3 (wave-1); nothing to resume',
      },
    });
  });

  it('aborts a paused rollout (ended, out of the open work), and refuses to abort it again', async () => {
    await put(rollout({ state: 'paused', by: BOB, reason: 'checking alarms' }));

    const aborted = await operator({
      action: 'rollout-abort',
      image: 'base',
      channel: 'prod',
      reason: 'the kernel breaks the agent',
    });
    const record = await read();
    const again = await operator({
      action: 'rollout-abort',
      image: 'base',
      channel: 'prod',
      version: '1.0.0/3',
      reason: 'sure',
    });

    expect(aborted).toMatchObject({ status: 200, body: { result: { state: 'aborted' } } });
    expect(record).toMatchObject({ state: 'aborted', by: ALICE, reason: 'the kernel breaks the agent' });
    expect(record?.endedAt).toBe(record?.updatedAt);
    expect(record?.openWork).toBeUndefined();
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(
      /^the rollout of base 1\.0\.0\/3 to prod already ended, aborted by .*: the kernel breaks the agent: nothing to abort$/,
    );
    expect(await read()).toEqual(record);
    // One refresh of the wave under way still runs: the engine cancels it.
    expect(announced()).toEqual(['rollout-aborted: base 1.0.0/3: prod rollout aborted at wave 2/3 (wave-1)']);
    const published = JSON.parse(
      JSON.parse(String(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message)).default,
    );
    expect(published.detail).toMatchObject({ running: 1, by: ALICE });
  });

  it('picks the current rollout without --version, refuses a channel with none, and an ended one named by version', async () => {
    await put(
      rollout({ version: '1.0.0/2', state: 'completed', endedAt: '2027-01-04T00:00:00.000Z', openWork: undefined }),
    );
    expect(await operator({ action: 'rollout-pause', image: 'base', channel: 'prod', reason: 'x' })).toEqual({
      status: 409,
      body: {
        ok: false,
        error:
          'the rollout of base 1.0.0/2 to prod already ended, completed at 2027-01-04T00:00:00.000Z (base/prod has no rollout in flight): nothing to pause',
      },
    });
    await put(rollout());
    expect(await operator({ action: 'rollout-pause', image: 'base', channel: 'prod', reason: 'x' })).toMatchObject({
      status: 200,
      body: { result: { version: '1.0.0/3' } },
    });
    expect(await operator({ action: 'rollout-pause', image: 'base', channel: 'staging', reason: 'x' })).toEqual({
      status: 404,
      body: { ok: false, error: 'base/staging has no rollout: nothing to pause' },
    });
    expect((await read('1.0.0/2'))?.state).toBe('completed');
  });

  it('refuses a pause without a reason and a caller without the operators’ role, changing nothing', async () => {
    await put(rollout());
    const noReason = await operator({ action: 'rollout-pause', image: 'base', channel: 'prod' });
    const outsider = await operator({ action: 'rollout-abort', image: 'base', channel: 'prod', reason: 'x' }, OUTSIDER);

    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toContain('reason');
    expect(outsider).toMatchObject({ status: 403 });
    expect(await read()).toMatchObject({ state: 'running' });
    expect(announced()).toEqual([]);
  });

  it('a pause retried after its update but before its announcement announces it, once', async () => {
    // The update was made (the log holds Alice's pause) and the function stopped before it announced.
    const at = '2027-01-05T10:00:00.000Z';
    const reason = 'peak trading week';
    await put(
      rollout({ state: 'paused', by: ALICE, reason, operatorActions: [{ action: 'pause', by: ALICE, at, reason }] }),
    );
    const pause = { action: 'rollout-pause', image: 'base', channel: 'prod', reason };

    const retried = await operator(pause);
    const third = await operator(pause);
    const bob = await operator(pause, BOB);

    expect([retried.status, third.status, bob.status]).toEqual([409, 409, 409]);
    expect(announced()).toEqual(['rollout-paused: base 1.0.0/3: prod rollout paused at wave 2/3 (wave-1)']);
    expect(await read()).toMatchObject({ state: 'paused', updatedAt: '2027-01-05T10:00:00.000Z' });
  });
});
