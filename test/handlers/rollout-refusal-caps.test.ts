import { AutoScalingServiceException } from '@aws-sdk/client-auto-scaling';
import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { rolloutHistory } from '../../core/status/rollout-history.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  CANARY,
  canaryThenBothOUs,
  followingGroup,
  INPUT,
  published,
  REST,
  record,
  settle,
  sns,
  useRolloutWorld,
  WAVE1,
  world,
} from './rollout-fixtures.js';

/** A 255-character group name (Auto Scaling's longest), numbered. */
const longName = (prefix: string, i: number) => `${prefix}-${String(i).padStart(3, '0')}-`.padEnd(255, 'x');

const INVALID = `The launch template version 4 is not valid for this group: ${'its network interfaces '.repeat(8)}`;

function refusedGroups(account: string, prefix: string, count: number): void {
  for (let i = 0; i < count; i += 1) {
    const name = longName(prefix, i);
    followingGroup(account, name);
    world.startFails.set(
      name,
      new AutoScalingServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: INVALID,
      }),
    );
  }
}

/** What each `rollout-account-failed` announcement said: account, how many groups, first names. */
function accountFailures() {
  return sns
    .commandCalls(PublishCommand)
    .map((c) => JSON.parse(JSON.parse(c.args[0].input.Message ?? '{}').default))
    .filter((n: { event: string }) => n.event === 'rollout-account-failed')
    .map((n: { detail: { account: string; group?: string; refusedGroups?: number; firstGroups?: string[] } }) => ({
      account: n.detail.account,
      group: n.detail.group,
      refusedGroups: n.detail.refusedGroups,
      firstGroups: n.detail.firstGroups?.length,
    }));
}

describe('hundreds of groups refusing their refresh stay a small record and a few announcements', () => {
  useRolloutWorld();

  it('200 refused groups in one account and 3 in another: 2 announcements, 50 kept by name, all 203 counted', async () => {
    canaryThenBothOUs();
    followingGroup(CANARY);
    followingGroup(REST);
    refusedGroups(WAVE1, 'big', 200);
    refusedGroups(REST, 'small', 3);
    await startRollout(INPUT);
    settle(CANARY, 'Successful');

    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    expect(world.started).toEqual([`${CANARY}/web-1`, `${REST}/web-3`]);
    const wave = (await record()).waves[1];
    expect(wave?.failures).toHaveLength(50);
    expect(wave?.refused).toMatchObject({
      total: 203,
      codes: [{ code: 'ValidationError', failures: 203 }],
      accounts: [
        { account: WAVE1, failures: 200, code: 'ValidationError' },
        { account: REST, failures: 3, code: 'ValidationError' },
      ],
    });
    // DynamoDB's item limit is 400 KB: the record with 203 refusals of 255-character groups stays well under it.
    expect(JSON.stringify(await record()).length).toBeLessThan(100_000);
    expect(accountFailures()).toEqual([
      { account: WAVE1, group: undefined, refusedGroups: 200, firstGroups: 3 },
      { account: REST, group: undefined, refusedGroups: 3, firstGroups: 3 },
    ]);

    settle(REST, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'halted', currentWave: 1 });
    const halted = await record();
    expect(halted.reason).toMatch(
      /^wave rest failed: group big-000-x+ in 200000000002 us-east-1 refused: ValidationError: .* \(and 202 more refusals: rollout status lists them\)$/,
    );
    expect(rolloutHistory(halted).find((l) => l.what.includes('(rest) failed'))?.what).toContain('; 203 refused (');
    expect(published().filter((p) => p.startsWith('rollout-account-failed'))).toHaveLength(2);
  });
});
