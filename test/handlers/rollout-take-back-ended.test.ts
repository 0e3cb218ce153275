import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { takeBackEndedRollout } from '../../functions/lifecycle/revoke-rollout.js';
import { stopOrphanedRollouts } from '../../functions/reconcile-rollouts.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  CANARY,
  INPUT,
  memberOf,
  onAmi,
  PREVIOUS,
  PREVIOUS_AMI,
  pointAt,
  published,
  REST,
  record,
  settle,
  WAVE1,
  world,
} from './rollout-fixtures.js';
import { TAKE_BACK_NAME as NAME, REVOKED_AT, useTakeBackWorld } from './take-back-fixtures.js';

/** An operator's abort, or the reconciler's stop, as their conditional updates leave the record. */
async function endAs(state: 'aborted' | 'stopped'): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: 'ledger',
      Key: { pk: 'IMAGE#base', sk: 'ROLLOUT#prod#1.0.0/3' },
      UpdateExpression: 'SET #s = :s, endedAt = :at REMOVE openWork',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':s': state, ':at': '2027-01-05T00:00:00Z' },
    }),
  );
}

/** The canary refreshed and healthy, wave-1's refresh under way. */
async function canaryDoneWave1Refreshing(): Promise<void> {
  await startRollout(INPUT);
  settle(CANARY, 'Successful');
  await checkWave(INPUT);
  settle(WAVE1, 'InProgress');
}

const revoke = () => takeBackEndedRollout({ ...INPUT, reason: 'a critical finding', at: REVOKED_AT, withdrawn: false });

describe('a revocation after the rollout was aborted or stopped takes the groups it refreshed back', () => {
  const { sfn, started } = useTakeBackWorld(PREVIOUS_AMI);

  it('aborted: the canary and the cancelled wave-1 group go to the previous version, rest is never touched', async () => {
    await canaryDoneWave1Refreshing();
    await endAs('aborted');
    // The abort's cancel is followed until Auto Scaling reports it done.
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'aborted' });
    // A cancel rolls nothing back: the instances it replaced run the revoked version.
    for (const r of memberOf(WAVE1).refreshes) r.status = 'Cancelled';
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'aborted' });

    expect(await revoke()).toBe(true);
    expect(await revoke()).toBe(true);
    expect(started).toEqual([NAME]);
    expect(await record()).toMatchObject({ state: 'superseded', takenBack: { from: 'aborted' } });

    await pointAt(PREVIOUS, PREVIOUS_AMI);
    await startRollout(INPUT);
    // The cancel is read as ended before the group is moved.
    await checkWave(INPUT);
    await checkWave(INPUT);
    expect([onAmi(CANARY), onAmi(WAVE1)]).toEqual([PREVIOUS_AMI, PREVIOUS_AMI]);
    expect(memberOf(REST).refreshes).toEqual([]);
    for (const account of [CANARY, WAVE1]) settle(account, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'superseded' });
    expect((await record()).reason).toBe(
      'revoked: a critical finding; 2 groups of canary, wave-1 rolled forward to 1.0.0/2',
    );
  });

  it('stopped: the canary is moved back and the refresh its execution left running is rolled back', async () => {
    await canaryDoneWave1Refreshing();
    await endAs('stopped');

    expect(await revoke()).toBe(true);
    expect(await record()).toMatchObject({ state: 'superseded', takenBack: { from: 'stopped' } });

    await pointAt(PREVIOUS, PREVIOUS_AMI);
    await startRollout(INPUT);
    await checkWave(INPUT);
    expect(onAmi(CANARY)).toBe(PREVIOUS_AMI);
    expect(memberOf(WAVE1).refreshes[0]?.status).toBe('RollbackInProgress');
    expect(world.started.filter((g) => g.startsWith(REST))).toEqual([]);
  });

  it('marks a take-back whose execution died before every group was back, announces it once, and leaves a running one alone', async () => {
    await canaryDoneWave1Refreshing();
    await endAs('stopped');
    expect(await revoke()).toBe(true);
    const NOW = new Date('2027-01-10T00:00:00Z');
    // Still running: nothing to say.
    expect(await stopOrphanedRollouts(NOW)).toEqual({ stopped: [], failures: [] });
    sfn.on(DescribeExecutionCommand).callsFake((i: { executionArn: string }) => ({
      executionArn: i.executionArn,
      status: i.executionArn.endsWith(`:${NAME}`) ? 'FAILED' : 'RUNNING',
    }));
    const told = published().length;

    expect(await stopOrphanedRollouts(NOW)).toEqual({
      stopped: ['base 1.0.0/3 prod take-back (FAILED)'],
      failures: [],
    });
    expect(await stopOrphanedRollouts(NOW)).toEqual({ stopped: [], failures: [] });
    const marked = await record();
    expect(marked).toMatchObject({
      state: 'superseded',
      takenBack: { from: 'stopped', stopped: { execution: 'FAILED', at: NOW.toISOString() } },
    });
    expect(marked.openWork).toBeUndefined();
    expect(published().slice(told)).toEqual(['rollout-stopped wave-1']);
  });

  it('refuses a take-back execution of its name and input started before the revocation (squatted), announcing it once', async () => {
    await canaryDoneWave1Refreshing();
    await endAs('stopped');
    // Started by hand before the revocation, with the very input the take-back gives: Step Functions answers the
    // take-back's start with ExecutionAlreadyExists, and DescribeExecution with that execution's earlier start.
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      startDate: new Date('2027-01-01T00:00:00Z'),
      input: JSON.stringify(INPUT),
    });
    const told = published().length;

    expect(await revoke()).toBe(false);
    expect(await revoke()).toBe(false);
    expect(await record()).toMatchObject({ state: 'superseded', takenBack: { from: 'stopped', at: REVOKED_AT } });
    expect(published().slice(told)).toEqual(['rollout-stopped wave-1']);
  });
});
