import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  AMI,
  CANARY,
  followingGroup,
  INPUT,
  loadedInLedger,
  memberOf,
  movedInLedger,
  PREVIOUS,
  PREVIOUS_AMI,
  pointAt,
  REGION,
  REST,
  useRolloutWorld,
  WAVE1,
  withdrawnPointer,
  world,
} from './rollout-fixtures.js';

/** Nothing started and nothing recorded: no refresh, no launch template version, no ledger record. */
async function expectNothingStarted(version = INPUT.version) {
  expect(world.started).toEqual([]);
  expect(memberOf(CANARY).refreshes).toEqual([]);
  expect(await readRollout(INPUT.image, INPUT.channel, version)).toBeUndefined();
}

describe('rollout StartWave takes its facts from the ledger, not its input', () => {
  useRolloutWorld();
  const everyone = () => {
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
  };

  it('refuses AMIs in the input: only image, channel and version are taken', async () => {
    everyone();
    const forged = { ...INPUT, amis: { [REGION]: 'ami-0bad0bad0bad0bad0' } };
    await expect(startRollout(forged)).rejects.toThrow(/amis|unrecognized/i);
    await expectNothingStarted();
  });

  it('refuses a version never published to the channel (no recorded pointer move), starting nothing', async () => {
    everyone();
    await loadedInLedger('1.0.0/4', [{ region: REGION, imageId: 'ami-0ccc3333dddd4444e' }]);
    const unpublished = { ...INPUT, version: '1.0.0/4' };
    await expect(startRollout(unpublished)).rejects.toMatchObject({
      name: 'RolloutRefused',
      message: expect.stringContaining('not published'),
    });
    await expectNothingStarted('1.0.0/4');
  });

  it('refuses a pointer move whose AMI is not the build’s', async () => {
    everyone();
    await loadedInLedger('1.0.0/5', [{ region: REGION, imageId: 'ami-0ccc3333dddd4444e' }]);
    await movedInLedger(INPUT.channel, '1.0.0/5', { [REGION]: 'ami-0bad0bad0bad0bad0' });
    await pointAt('1.0.0/5', 'ami-0ccc3333dddd4444e');
    await expect(startRollout({ ...INPUT, version: '1.0.0/5' })).rejects.toMatchObject({
      name: 'RolloutRefused',
      message: expect.stringContaining("not the build's AMI"),
    });
    await expectNothingStarted('1.0.0/5');
  });

  it('refuses an outdated, unrevoked version the pointer once moved to but has moved on from, refreshing nothing', async () => {
    everyone();
    // 1.0.0/2 was published to prod once (its move recorded), then 1.0.0/3 took the pointer: a hand-made execution of
    // 1.0.0/2 would take every group back to the older AMI.
    await loadedInLedger(PREVIOUS, [{ region: REGION, imageId: PREVIOUS_AMI }]);
    await movedInLedger(INPUT.channel, PREVIOUS, { [REGION]: PREVIOUS_AMI });
    await expect(startRollout({ ...INPUT, version: PREVIOUS })).rejects.toMatchObject({
      name: 'RolloutRefused',
      message: expect.stringContaining(`the prod pointer names ${INPUT.version} now`),
    });
    await expectNothingStarted(PREVIOUS);
  });

  it('refuses a published version once the pointer was withdrawn, refreshing nothing', async () => {
    everyone();
    await withdrawnPointer();
    await expect(startRollout(INPUT)).rejects.toMatchObject({
      name: 'RolloutRefused',
      message: expect.stringContaining('the prod pointer names no version now'),
    });
    await expectNothingStarted();
  });

  it('refuses a revoked version, even one the pointer moved to', async () => {
    everyone();
    await documentClient().send(
      new PutCommand({
        TableName: 'ledger',
        Item: { pk: `IMAGE#${INPUT.image}`, sk: `REVOCATION#${INPUT.version}`, kind: 'revocation', state: 'revoked' },
      }),
    );
    await expect(startRollout(INPUT)).rejects.toMatchObject({
      name: 'RolloutRefused',
      message: expect.stringContaining('revoked'),
    });
    await expectNothingStarted();
  });

  it('rolls out the AMI the ledger records for a published version', async () => {
    everyone();
    await startRollout(INPUT);
    expect(world.started).toEqual([`${CANARY}/web-1`]);
    expect((await readRollout(INPUT.image, INPUT.channel, INPUT.version))?.amis).toEqual({ [REGION]: AMI });
  });
});
