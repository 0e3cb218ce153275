import { AutoScalingServiceException } from '@aws-sdk/client-auto-scaling';
import { STSServiceException } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamodbClient } from '../../aws/clients/dynamodb.js';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { rolloutHistory } from '../../core/status/rollout-history.js';
import { rolloutStatusLine } from '../../core/status/rollout-view.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  CANARY,
  canaryThenBothOUs,
  followingGroup,
  INPUT,
  memberOf,
  published,
  REST,
  settle,
  useRolloutWorld,
  WAVE1,
  world,
} from './rollout-fixtures.js';

const record = () => readRollout(INPUT.image, INPUT.channel, INPUT.version);

const DENIED =
  'User: arn:aws:sts::123456789012:assumed-role/goldsmith-test-rollout-engine/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::200000000002:role/goldsmith-test-rollout';

function stsError(name: string, fault: 'client' | 'server', status: number, message: string): STSServiceException {
  return new STSServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status }, message });
}

async function abort(): Promise<void> {
  await DynamoDBDocumentClient.from(dynamodbClient()).send(
    new UpdateCommand({
      TableName: 'ledger',
      Key: { pk: 'IMAGE#base', sk: 'ROLLOUT#prod#1.0.0/3' },
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':s': 'aborted' },
    }),
  );
}

describe('one member account that refuses the engine does not stall the wave', () => {
  useRolloutWorld();
  beforeEach(canaryThenBothOUs);

  it('a member whose rollout role is denied is recorded failed and told once; the others refresh; the wave halts after them', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    world.assumeFails.set(WAVE1, stsError('AccessDenied', 'client', 403, DENIED));
    await startRollout(INPUT);
    settle(CANARY, 'Successful');

    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    expect(world.started).toEqual([`${CANARY}/web-1`, `${REST}/web-3`]);
    const running = await record();
    expect(running?.waves[1]?.state).toBe('refreshing');
    expect(running?.waves[1]?.failures).toMatchObject([
      { account: WAVE1, region: 'us-east-1', step: 'start', code: 'AccessDenied', message: DENIED },
    ]);

    // The others are waited for, not cut short; then the wave halts, keeping their refreshes.
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    settle(REST, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 1 });
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 1 });
    expect(world.started).toEqual([`${CANARY}/web-1`, `${REST}/web-3`]);

    const halted = await record();
    expect(halted?.reason).toBe(`wave rest failed: account ${WAVE1} us-east-1 refused: AccessDenied: ${DENIED}`);
    expect(published().filter((p) => p.startsWith('rollout-account-failed'))).toEqual(['rollout-account-failed rest']);
    expect(published().at(-1)).toBe('rollout-halted rest');
    expect(rolloutHistory(halted ?? fail()).find((l) => l.what.includes('(rest) failed'))?.what).toBe(
      `rollout wave 2/2 (rest) failed: 0/1 group failed; 1 refused (account ${WAVE1} us-east-1 refused: AccessDenied: ${DENIED})`,
    );
  });

  it('a refresh Auto Scaling refuses for one group fails that group alone', async () => {
    followingGroup(CANARY);
    followingGroup(CANARY, 'web-odd');
    world.startFails.set(
      'web-odd',
      new AutoScalingServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'The launch template version 4 is not valid for this group',
      }),
    );

    expect(await startRollout(INPUT)).toEqual({ done: false, state: 'running', currentWave: 0 });
    expect(world.started).toEqual([`${CANARY}/web-1`]);
    expect((await record())?.waves[0]?.failures).toMatchObject([
      { account: CANARY, group: 'web-odd', code: 'ValidationError' },
    ]);
    expect(published()).toEqual(['rollout-wave-started canary', 'rollout-account-failed canary']);
  });

  it('throttling is not a refusal: the step fails and is retried, nothing is recorded failed', async () => {
    followingGroup(CANARY);
    world.assumeFails.set(CANARY, stsError('Throttling', 'client', 400, 'Rate exceeded'));
    await expect(startRollout(INPUT)).rejects.toThrow('Rate exceeded');
    world.assumeFails.clear();
    expect(await startRollout(INPUT)).toEqual({ done: false, state: 'running', currentWave: 0 });
    expect((await record())?.waves[0]?.failures).toBeUndefined();
  });

  it('an abort after a step failed half-way cancels the refresh that step started and never recorded', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    // Not AWS's answer (no $metadata): thrown once every account has settled, after WAVE1's refresh started.
    world.assumeFails.set(REST, new Error('the step died half-way'));
    await expect(checkWave(INPUT)).rejects.toThrow('the step died half-way');
    expect(memberOf(WAVE1).refreshes[0]?.status).toBe('Pending');
    expect((await record())?.waves[1]?.state).toBe('pending');

    world.assumeFails.clear();
    await abort();
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'aborted', currentWave: 1 });
    expect(memberOf(WAVE1).refreshes[0]?.status).toBe('Cancelling');
    expect(memberOf(REST).refreshes).toEqual([]);
    expect((await record())?.waves[1]?.groups).toMatchObject([
      { account: WAVE1, group: 'web-2', status: 'Cancelling' },
    ]);
  });
});

describe('how a rollout ends, as the record says it', () => {
  useRolloutWorld();

  it('after an abort the record holds the cancelled refreshes as AWS reports them, and status counts them', async () => {
    followingGroup(CANARY);
    await startRollout(INPUT);
    settle(CANARY, 'Baking');
    await abort();

    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'aborted', currentWave: 0 });
    expect((await record())?.waves[0]?.groups[0]?.status).toBe('Cancelling');
    for (const r of memberOf(CANARY).refreshes) r.status = 'Cancelled';
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'aborted', currentWave: 0 });

    const ended = await record();
    expect(ended?.waves[0]?.groups[0]?.status).toBe('Cancelled');
    expect(rolloutStatusLine(ended ?? fail())).toMatch(
      /^rollout 1\.0\.0\/3: aborted .* at wave 1\/3 \(canary\), 0 groups refreshed, 1 group cancelled$/,
    );
  });

  it('a refresh failed by an alarm halts naming the alarm, its account and Region, not RollbackInProgress', async () => {
    followingGroup(CANARY);
    await startRollout(INPUT);
    world.alarms.add(`${CANARY}/us-east-1/app-5xx`);
    settle(CANARY, 'RollbackInProgress');

    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 0 });
    expect((await record())?.reason).toBe(
      `wave canary failed: alarm app-5xx in ALARM in ${CANARY} us-east-1 (web-1 in ${CANARY} us-east-1: RollbackInProgress)`,
    );
    expect(published()).toContain('rollout-halted canary');
  });

  it("a refresh that failed on its own halts with Auto Scaling's reason for it", async () => {
    followingGroup(CANARY);
    await startRollout(INPUT);
    settle(CANARY, 'RollbackInProgress', 'Instances failed to pass the ELB health check');

    await checkWave(INPUT);
    expect((await record())?.reason).toBe(
      `wave canary failed: web-1 in ${CANARY} us-east-1: Instances failed to pass the ELB health check (RollbackInProgress)`,
    );
  });

  it("a halt reason naming RollbackInProgress tells the group's status once its rollback ended", async () => {
    followingGroup(CANARY);
    await startRollout(INPUT);
    settle(CANARY, 'RollbackInProgress', 'Instances failed to pass the ELB health check');
    await checkWave(INPUT);

    for (const r of memberOf(CANARY).refreshes) r.status = 'RollbackSuccessful';
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'halted' });
    const ended = await record();
    expect(ended?.waves[0]?.state).toBe('rolled-back');
    expect(ended?.reason).toBe(
      `wave canary failed: web-1 in ${CANARY} us-east-1: Instances failed to pass the ELB health check (RollbackSuccessful)`,
    );
    expect(rolloutStatusLine(ended ?? fail())).not.toContain('RollbackInProgress');
  });

  it('the first version of a channel nobody follows yet ends with nothing to refresh, told as info, not a halt', async () => {
    expect(await startRollout(INPUT)).toEqual({ done: true, state: 'completed', currentWave: 2 });
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'completed', currentWave: 2 });

    const ended = await record();
    expect(ended?.reason).toBe('nothing to refresh: no group in any wave follows base/prod');
    expect(ended?.waves.map((w) => w.state)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(published()).toEqual(['rollout-completed']);
    expect(world.started).toEqual([]);
  });
});

function fail(): never {
  throw new Error('no rollout record');
}
