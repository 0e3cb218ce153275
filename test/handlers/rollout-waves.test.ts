import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { advanceRollout } from '../../functions/rollout/advance.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
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
  world,
} from './rollout-fixtures.js';

const record = () => readRollout(INPUT.image, INPUT.channel, INPUT.version);

describe('rollout StartWave and CheckWave', () => {
  useRolloutWorld();

  it('rolls out wave after wave: the next wave starts only once every refresh of the one before is Successful', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);

    expect(await startRollout(INPUT)).toEqual({ done: false, state: 'running', currentWave: 0 });
    expect(world.started).toEqual([`${CANARY}/web-1`]);
    const canary = memberOf(CANARY).refreshes[0];
    expect(canary?.desired).toEqual({ LaunchTemplateId: `lt-001web-1`, Version: '4' });
    expect(canary?.preferences).toMatchObject({
      AutoRollback: true,
      BakeTime: 3600,
      AlarmSpecification: { Alarms: ['app-5xx'] },
    });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${CANARY}:role/goldsmith-test-rollout`,
      RoleSessionName: 'goldsmith-rollout-base-prod-1.0.0-3',
    });

    settle(CANARY, 'Baking');
    expect(await checkWave(INPUT)).toMatchObject({ done: false, currentWave: 0 });
    expect(world.started).toHaveLength(1);

    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ done: false, currentWave: 1 });
    expect(world.started).toEqual([`${CANARY}/web-1`, `${WAVE1}/web-2`]);

    settle(WAVE1, 'Successful');
    await checkWave(INPUT);
    settle(REST, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'completed', currentWave: 2 });

    const done = await record();
    expect(done?.waves.map((w) => w.state)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(done?.waves[0]?.groups[0]).toMatchObject({
      account: CANARY,
      fromVersion: 3,
      toVersion: 4,
      status: 'Successful',
    });
    expect(done?.openWork).toBeUndefined();
  });

  it('halts on a failed canary: nothing else starts, and the record says why', async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await startRollout(INPUT);
    settle(CANARY, 'RollbackInProgress', 'alarm app-5xx went to ALARM');

    // Still rolling back: the execution goes on watching it.
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'halted', currentWave: 0 });
    expect(world.started).toEqual([`${CANARY}/web-1`]);
    const halted = await record();
    expect(halted?.reason).toContain('alarm app-5xx went to ALARM');
    expect(halted?.waves.map((w) => w.state)).toEqual(['failed', 'pending', 'pending']);
    // Checked again (a retried task): still nothing started.
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'halted' });
    expect(world.started).toHaveLength(1);
  });

  it('a StartWave retried after its refresh started (its record lost) takes that refresh: no second one', async () => {
    followingGroup(CANARY);
    await startRollout(INPUT);
    // The first attempt's effects stand in AWS; its ledger write is undone, as if the task died before it.
    const { DynamoDBDocumentClient, DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    const { client } = await import('../../aws/clients.js');
    await DynamoDBDocumentClient.from(client('dynamodb')).send(
      new DeleteCommand({ TableName: 'ledger', Key: { pk: 'IMAGE#base', sk: 'ROLLOUT#prod#1.0.0/3' } }),
    );

    await startRollout(INPUT);
    expect(world.started).toEqual([`${CANARY}/web-1`]);
    expect(memberOf(CANARY).templates[0]?.versions).toHaveLength(4);
    expect((await record())?.waves[0]?.groups[0]).toMatchObject({ refreshId: 'ir-1', toVersion: 4 });
  });

  it('never touches an untagged group nor one whose template lacks the tag', async () => {
    followingGroup(CANARY);
    const m = memberOf(CANARY);
    m.groups.push({ name: 'untagged', tags: {}, template: { id: 'lt-other', version: '1' } });
    m.templates.push({ id: 'lt-plain', tags: {}, versions: [{ number: 1, imageId: 'ami-0old' }] });
    m.groups.push({
      name: 'plain-template',
      tags: { 'goldsmith:follow': 'base/prod' },
      template: { id: 'lt-plain', version: '1' },
    });

    await startRollout(INPUT);
    expect(world.started).toEqual([`${CANARY}/web-1`]);
    expect(m.templates.find((t) => t.id === 'lt-plain')?.versions).toHaveLength(1);
    expect((await record())?.skippedGroups).toEqual([]);
  });

  it('skips a tagged group whose template is not rollout-ready, with the reason, and goes on', async () => {
    followingGroup(CANARY);
    const m = memberOf(CANARY);
    m.templates.push({
      id: 'lt-ssm',
      tags: { 'goldsmith:follow': 'base/prod' },
      versions: [{ number: 1, imageId: 'resolve:ssm:/golden/base' }],
    });
    m.groups.push({
      name: 'by-parameter',
      tags: { 'goldsmith:follow': 'base/prod' },
      template: { id: 'lt-ssm', version: '1' },
    });
    m.groups.push({
      name: 'latest',
      tags: { 'goldsmith:follow': 'base/prod' },
      template: { id: 'lt-ssm', version: '$Latest' },
    });

    await startRollout(INPUT);
    expect(world.started).toEqual([`${CANARY}/web-1`]);
    expect((await record())?.skippedGroups).toEqual([
      {
        account: CANARY,
        region: 'us-east-1',
        group: 'by-parameter',
        reason:
          'launch template lt-ssm names its AMI by a Systems Manager parameter (resolve:ssm:/golden/base): a refresh cannot roll back to it',
        wave: 'canary',
      },
      {
        account: CANARY,
        region: 'us-east-1',
        group: 'latest',
        reason: 'it runs launch template version $Latest: a refresh can roll back only to a numbered version',
        wave: 'canary',
      },
    ]);
  });

  it("skips a group running someone else's refresh, with the reason", async () => {
    followingGroup(CANARY);
    memberOf(CANARY).refreshes.push({ id: 'ir-theirs', group: 'web-1', status: 'InProgress' });

    await startRollout(INPUT);
    expect(world.started).toEqual([]);
    expect((await record())?.skippedGroups).toEqual([
      {
        account: CANARY,
        region: 'us-east-1',
        group: 'web-1',
        reason: 'another instance refresh (ir-theirs, InProgress) is running on the group',
        wave: 'canary',
      },
    ]);
  });

  it('tells each change once the ledger holds it, and nothing twice when a step is repeated', async () => {
    followingGroup(CANARY);
    followingGroup(WAVE1);
    const said: string[] = [];
    const tell = async (_record: unknown, a: { event: string }[]) => {
      said.push(...a.map((x) => x.event));
    };
    await advanceRollout(INPUT, { tell });
    await advanceRollout(INPUT, { tell });
    settle(CANARY, 'Successful');
    await advanceRollout(INPUT, { tell });
    expect(said).toEqual(['rollout-wave-started', 'rollout-wave-healthy', 'rollout-wave-started']);
  });
});
