import { describe, expect, it } from 'vitest';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { startRollout } from '../../functions/rollout/start.js';
import { AMI, CANARY, followingGroup, INPUT, memberOf, useRolloutWorld, world } from './rollout-fixtures.js';

describe('every launch template version Goldsmith creates is read back before a refresh', () => {
  useRolloutWorld();

  it('refreshes to a version that changed only the AMI, keeping the rest of its source', async () => {
    followingGroup(CANARY);
    await startRollout(INPUT);
    expect(world.started).toEqual([`${CANARY}/web-1`]);
    expect(memberOf(CANARY).templates[0]?.versions.at(-1)).toMatchObject({
      number: 4,
      imageId: AMI,
      data: { InstanceType: 'm7g.large' },
    });
  });

  it('refuses one that differs from its source in more than the AMI: no refresh, the group failed with why', async () => {
    followingGroup(CANARY);
    world.tamper = { UserData: 'Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==' };

    await startRollout(INPUT);

    expect(world.started).toEqual([]);
    const r = await readRollout(INPUT.image, INPUT.channel, INPUT.version);
    expect(r?.waves[0]?.failures).toEqual([
      expect.objectContaining({
        account: CANARY,
        group: 'web-1',
        code: 'LaunchTemplateVersionMismatch',
        message: `launch template lt-001web-1 version 4 differs from its source version 3 in UserData, not only the AMI: not refreshed to`,
      }),
    ]);
  });
});
