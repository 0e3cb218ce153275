import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamodbClient } from '../../aws/clients/dynamodb.js';
import { readRollout, supersedeRollout } from '../../aws/rollout/rollout-ledger.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import { FleetState } from '../../local/fakes/ec2-fleet.js';
import { LaunchTemplates } from '../../local/fakes/launch-templates.js';
import { auditFleetShapes } from '../../local/simulator/audit-fleet-shapes.js';
import { rolloutsOf } from '../../local/simulator/report-rollouts.js';
import {
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  REST,
  settle,
  sts,
  useRolloutWorld,
  WAVE1,
  withdrawnPointer,
  world,
} from './rollout-fixtures.js';

/** What the operator's pause, resume and abort do: one conditional update of the record's state. */
async function setState(state: string): Promise<void> {
  await DynamoDBDocumentClient.from(dynamodbClient()).send(
    new UpdateCommand({
      TableName: 'ledger',
      Key: { pk: 'IMAGE#base', sk: 'ROLLOUT#prod#1.0.0/3' },
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':s': state },
    }),
  );
}

describe('rollout CheckWave honours the ledger', () => {
  useRolloutWorld();

  it('paused: the running refresh goes on, no new wave starts until resumed', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    await setState('paused');
    settle(CANARY, 'Successful');

    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'paused', currentWave: 0 });
    expect(memberOf(CANARY).refreshes[0]?.status).toBe('Successful');
    expect(world.started).toEqual([`${CANARY}/web-1`]);
    expect((await readRollout('base', 'prod', '1.0.0/3'))?.waves[0]?.state).toBe('healthy');

    await setState('running');
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'running', currentWave: 1 });
    expect(world.started).toEqual([`${CANARY}/web-1`, `${WAVE1}/web-2`]);
  });

  it('aborted: cancels the refreshes still running and ends, starting nothing', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    settle(CANARY, 'InProgress');
    await setState('aborted');

    // Followed until AWS reports the cancel done.
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'aborted', currentWave: 0 });
    expect(memberOf(CANARY).refreshes[0]?.status).toBe('Cancelling');
    for (const r of memberOf(CANARY).refreshes) r.status = 'Cancelled';
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'aborted', currentWave: 0 });
    expect(world.started).toEqual([`${CANARY}/web-1`]);
  });

  it("aborted mid-wave: once every cancel is done the wave ends aborted, and the simulator's audit finds no wave baking", async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    settle(CANARY, 'Baking');
    expect(await checkWave(INPUT)).toMatchObject({ state: 'running', currentWave: 0 });
    await setState('aborted');

    await checkWave(INPUT);
    expect((await readRollout('base', 'prod', '1.0.0/3'))?.waves[0]?.state).toBe('baking');
    for (const r of memberOf(CANARY).refreshes) r.status = 'Cancelled';
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'aborted', currentWave: 0 });

    const ended = await readRollout('base', 'prod', '1.0.0/3');
    expect(ended?.waves.map((w) => w.state)).toEqual(['aborted', 'pending', 'pending']);
    expect(ended?.waves[0]?.endedAt).toBeDefined();
    const items = await DynamoDBDocumentClient.from(dynamodbClient()).send(new ScanCommand({ TableName: 'ledger' }));
    const rollouts = rolloutsOf(items.Items ?? []);
    const templates = new LaunchTemplates(
      () => new FleetState(),
      () => 0,
    );
    const audit = auditFleetShapes({ groups: [], refreshes: [], templates, channels: [], fleets: [], rollouts });
    expect(audit).toMatchObject({ problems: [], checks: { 'waves-ended': 1 } });
  });

  it('superseded (its version revoked): every group it reached goes back to its previous template version', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    // The team's own refresh to version 3, weeks ago: not the revert, which must still start.
    memberOf(CANARY).refreshes.push({
      id: 'ir-team',
      group: 'web-1',
      status: 'Successful',
      desired: { LaunchTemplateId: 'lt-001web-1', Version: '3' },
    });
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    await checkWave(INPUT);
    await supersedeRollout('base', 'prod', '1.0.0/3', 'revoked: CVE', '2026-11-26T03:00:00.000Z');
    await withdrawnPointer();

    // No channel pointer left (withdrawn): each group goes back to its previous version, watched until it is back.
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'superseded' });
    // The running wave-1 refresh is rolled back; the canary's finished one gets a refresh back to version 3.
    expect(memberOf(WAVE1).refreshes[0]?.status).toBe('RollbackInProgress');
    expect(memberOf(CANARY).refreshes[0]?.desired).toEqual({ LaunchTemplateId: 'lt-001web-1', Version: '3' });
    expect(world.started).toEqual([`${CANARY}/web-1`, `${WAVE1}/web-2`, `${CANARY}/web-1`]);
  });

  it('an abort landing while CheckWave starts the next wave leaves none of that wave’s refreshes running', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    // The operator's abort lands after CheckWave read the record, as it reaches wave-1's account.
    sts.on(AssumeRoleCommand).callsFake(async (i: { RoleArn: string }) => {
      const account = i.RoleArn.split(':')[4] ?? '';
      if (account === WAVE1) await setState('aborted');
      const Expiration = new Date(Date.now() + 3_600_000);
      return { Credentials: { AccessKeyId: `AK${account}`, SecretAccessKey: 's', SessionToken: 't', Expiration } };
    });

    await expect(checkWave(INPUT)).rejects.toMatchObject({ name: 'RolloutChangedError' });
    expect(world.started).toEqual([`${CANARY}/web-1`, `${WAVE1}/web-2`]);
    expect(memberOf(WAVE1).refreshes.map((r) => r.status)).toEqual(['Cancelling']);
    // The retry finds the abort, and the refresh it cancelled, recorded as AWS reports it; it ends once cancelled.
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'aborted', currentWave: 1 });
    const aborted = await readRollout('base', 'prod', '1.0.0/3');
    expect(aborted?.waves[1]?.groups).toMatchObject([{ account: WAVE1, status: 'Cancelling' }]);
    for (const r of memberOf(WAVE1).refreshes) r.status = 'Cancelled';
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'aborted', currentWave: 1 });
    expect(world.started).toHaveLength(2);
  });
});
