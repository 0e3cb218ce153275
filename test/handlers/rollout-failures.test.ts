import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRollout, supersedeRollout } from '../../aws/rollout/rollout-ledger.js';
import { endedText } from '../../core/rollout/operator.js';
import { rolloutExecutionName } from '../../core/rollout/request.js';
import { rolloutHistory } from '../../core/status/rollout-history.js';
import { stopOrphanedRollouts } from '../../functions/reconcile-rollouts.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  AMI,
  CANARY,
  followingGroup,
  INPUT,
  loadedInLedger,
  memberOf,
  movedInLedger,
  onAmi,
  PREVIOUS,
  PREVIOUS_AMI,
  pointAt,
  published,
  REGION,
  REST,
  settle,
  useRolloutWorld,
  WAVE1,
  world,
} from './rollout-fixtures.js';

const record = () => readRollout(INPUT.image, INPUT.channel, INPUT.version);

describe('rollout failure paths', () => {
  useRolloutWorld();

  it('halts when the canary has no group to refresh: no later wave starts on its word', async () => {
    followingGroup(WAVE1);
    followingGroup(REST);

    expect(await startRollout(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 0 });
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 0 });

    expect(world.started).toEqual([]);
    const halted = await record();
    expect(halted?.reason).toBe(
      'canary has no group to refresh: no rollout-ready group in wave canary follows base/prod',
    );
    expect(halted?.waves.map((w) => w.state)).toEqual(['skipped', 'pending', 'pending']);
    expect(halted?.openWork).toBeUndefined();
    expect(published()).toEqual(['rollout-halted canary']);
  });
});

describe('a revocation during the rollout rolls the waves that had started forward to the replacement', () => {
  useRolloutWorld();

  it("wave 1 and 2 end on the previous version's AMI, wave 3 is untouched, and history tells it", async () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
    await loadedInLedger(PREVIOUS, [{ region: REGION, imageId: PREVIOUS_AMI }]);
    await movedInLedger(INPUT.channel, PREVIOUS, { [REGION]: PREVIOUS_AMI });
    await pointAt(INPUT.version, AMI);
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    await checkWave(INPUT);
    settle(WAVE1, 'InProgress');
    expect(onAmi(WAVE1)).toBe(AMI);

    // Revoked during wave 2: the rollout is marked superseded first, the pointer moves back after.
    await supersedeRollout(
      INPUT.image,
      INPUT.channel,
      INPUT.version,
      'revoked: a critical finding',
      '2027-01-02T00:00:00Z',
    );
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'superseded' });
    expect(memberOf(WAVE1).refreshes[0]?.status).toBe('InProgress');
    await pointAt(PREVIOUS, PREVIOUS_AMI);

    // The running refresh rolls back; the finished canary gets a refresh to a version with the replacement AMI.
    expect(await checkWave(INPUT)).toMatchObject({ done: false, state: 'superseded' });
    expect(memberOf(WAVE1).refreshes[0]?.status).toBe('RollbackInProgress');
    expect(onAmi(CANARY)).toBe(PREVIOUS_AMI);
    expect(memberOf(CANARY).refreshes[0]?.preferences).toMatchObject({ AutoRollback: false });
    settle(CANARY, 'Successful');
    for (const r of memberOf(WAVE1).refreshes) r.status = 'RollbackSuccessful';

    // Rolled back onto the version it ran before (an older AMI): then refreshed onto the replacement too.
    expect(await checkWave(INPUT)).toMatchObject({ done: false });
    expect(onAmi(WAVE1)).toBe(PREVIOUS_AMI);
    settle(WAVE1, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'superseded', currentWave: 1 });
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'superseded', currentWave: 1 });

    expect(memberOf(REST).refreshes).toEqual([]);
    expect(memberOf(REST).templates[0]?.versions).toHaveLength(3);
    expect(world.started).toEqual([`${CANARY}/web-1`, `${WAVE1}/web-2`, `${CANARY}/web-1`, `${WAVE1}/web-2`]);
    const ended = await record();
    expect(ended?.endedAt).toBe('2027-01-02T00:00:00Z');
    expect(ended?.replacement).toMatchObject({ version: PREVIOUS, amis: { [REGION]: PREVIOUS_AMI } });
    // The wave the revocation caught under way ends superseded, not left refreshing or baking forever.
    expect(ended?.waves.map((w) => w.state)).toEqual(['healthy', 'superseded', 'pending']);
    expect(rolloutHistory(ended ?? fail()).at(-1)?.what).toBe(
      'rollout superseded: revoked: a critical finding; 2 groups of canary, wave-1 rolled forward to 1.0.0/2',
    );
  });

  it('takes the groups back to their previous versions when the ledger refuses the version the pointer went back to', async () => {
    followingGroup(CANARY);
    await loadedInLedger(PREVIOUS, [{ region: REGION, imageId: PREVIOUS_AMI }]);
    await pointAt(INPUT.version, AMI);
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    await supersedeRollout(
      INPUT.image,
      INPUT.channel,
      INPUT.version,
      'revoked: a critical finding',
      '2027-01-02T00:00:00Z',
    );
    // Never published to prod: no recorded pointer move, so nothing of it is rolled out.
    await pointAt(PREVIOUS, PREVIOUS_AMI);

    await checkWave(INPUT);
    expect(memberOf(CANARY).refreshes[0]?.desired).toEqual({ LaunchTemplateId: 'lt-001web-1', Version: '3' });
    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toMatchObject({ done: true });
    expect((await record())?.reason).toMatch(
      /^revoked: a critical finding; 1 group of canary back on their previous launch template version \(rollout of base 1\.0\.0\/2 to prod refused: .*\(not published\)\)$/,
    );
  });
});

describe('a thousand tagged groups that are not rollout-ready', () => {
  useRolloutWorld();

  it('keep the record small and send one announcement for the wave, counting every group by reason', async () => {
    followingGroup(CANARY);
    const m = memberOf(CANARY);
    for (let i = 0; i < 1000; i += 1) {
      const name = `team-${String(i).padStart(4, '0')}-web-asg-with-a-long-name-for-its-service`;
      const latest = i % 10 !== 0;
      m.groups.push({
        name,
        tags: { 'goldsmith:follow': 'base/prod' },
        template: latest ? { id: 'lt-shared', version: '$Latest' } : undefined,
      });
    }

    await startRollout(INPUT);
    await startRollout(INPUT);
    expect(world.started).toEqual([`${CANARY}/web-1`]);
    const stored = await record();
    // DynamoDB's item limit is 400 KB; the record stays far below it.
    expect(JSON.stringify(stored).length).toBeLessThan(40_000);
    expect(stored?.skippedGroups).toHaveLength(50);
    expect(stored?.skippedGroups[0]).toMatchObject({
      group: 'team-0000-web-asg-with-a-long-name-for-its-service',
      wave: 'canary',
    });
    expect(stored?.waves[0]?.skipped).toEqual({
      total: 1000,
      reasons: [
        { reason: 'it has no launch template', groups: 100 },
        {
          reason: 'it runs launch template version $Latest: a refresh can roll back only to a numbered version',
          groups: 900,
        },
      ],
    });
    expect(published()).toEqual(['rollout-wave-started canary', 'rollout-groups-skipped canary']);
  });
});

describe('the reconciler finds a rollout whose execution stopped under it', () => {
  useRolloutWorld();
  const sfn = mockClient(SFNClient);
  const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:goldsmith-test-rollout';
  const NOW = new Date('2027-01-03T00:00:00Z');
  beforeEach(() => {
    process.env.ROLLOUT_STATE_MACHINE_ARN = MACHINE;
  });
  afterEach(() => {
    sfn.reset();
    delete process.env.ROLLOUT_STATE_MACHINE_ARN;
  });
  const executionIs = (status: string) =>
    sfn.on(DescribeExecutionCommand).callsFake((i: { executionArn: string }) => {
      const name = rolloutExecutionName(INPUT.image, INPUT.channel, INPUT.version);
      if (i.executionArn !== `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`) {
        throw new ExecutionDoesNotExist({ message: 'no such execution', $metadata: {} });
      }
      return { executionArn: i.executionArn, status };
    });

  it('marks a running rollout whose execution was aborted stopped, announces it once, and history and status say so', async () => {
    followingGroup(CANARY);
    await startRollout(INPUT);
    executionIs('ABORTED');

    expect(await stopOrphanedRollouts(NOW)).toEqual({ stopped: ['base 1.0.0/3 prod (ABORTED)'], failures: [] });
    expect(await stopOrphanedRollouts(NOW)).toEqual({ stopped: [], failures: [] });

    const stopped = await record();
    expect(stopped).toMatchObject({
      state: 'stopped',
      reason: 'its execution is ABORTED while the rollout was running',
    });
    expect(stopped?.openWork).toBeUndefined();
    expect(published()).toEqual(['rollout-wave-started canary', 'rollout-stopped canary']);
    expect(endedText(stopped ?? fail())).toBe(
      'stopped at 2027-01-03T00:00:00.000Z: its execution is ABORTED while the rollout was running',
    );
    expect(rolloutHistory(stopped ?? fail()).at(-1)?.what).toBe(
      'rollout stopped: its execution is ABORTED while the rollout was running — no further wave; see docs/operating/runbooks.md',
    );
    // A redriven execution does not take the rollout up again.
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'stopped', currentWave: 0 });
    expect(world.started).toHaveLength(1);
  });

  it('leaves a rollout whose execution runs alone', async () => {
    followingGroup(CANARY);
    await startRollout(INPUT);
    executionIs('RUNNING');
    expect(await stopOrphanedRollouts(NOW)).toEqual({ stopped: [], failures: [] });
    expect((await record())?.state).toBe('running');
    expect(published()).toEqual(['rollout-wave-started canary']);
  });
});

function fail(): never {
  throw new Error('no rollout record');
}
