import type { StackInstanceSummary } from '@aws-sdk/client-cloudformation';
import { ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';
import { rolloutRoleNameOfStack } from '../../core/names.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import {
  CANARY,
  canaryThenBothOUs,
  cfn,
  followingGroup,
  INPUT,
  memberOf,
  PRD1,
  PRD2,
  REGION,
  REST,
  record,
  settle,
  sts,
  useRolloutWorld,
  WAVE1,
  world,
} from './rollout-fixtures.js';

/**
 * The member baseline deploys each account's rollout role as a StackSet instance (named after its stack id). An
 * account moved between two targeted OUs gets a new instance (a role of its own) before its old one is deleted, and
 * the old role's credentials the engine holds are refused from then on.
 */
const PLAIN = 'goldsmith-test-rollout';
const stackId = (account: string, n: number) =>
  `arn:aws:cloudformation:${REGION}:${account}:stack/StackSet-goldsmith-test-member-baseline-x/${n}a${account.slice(-3)}000-1111-4222-8333-444455556666`;
const roleOf = (id: string) => rolloutRoleNameOfStack(PLAIN, id);
const instance = (
  id: string,
  ou: string,
  Status: 'CURRENT' | 'OUTDATED',
  DetailedStatus: 'SUCCEEDED' | 'RUNNING' | 'FAILED',
): StackInstanceSummary => ({
  StackId: id,
  Account: id.split(':')[4],
  Region: REGION,
  OrganizationalUnitId: ou,
  Status,
  StackInstanceStatus: { DetailedStatus },
});
const OLD = stackId(WAVE1, 1);
const NEW = stackId(WAVE1, 2);
const assumedRoles = () => sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn?.split('/')[1]);
const listedFor = (account: string) =>
  cfn.commandCalls(ListStackInstancesCommand).filter((c) => c.args[0].input.StackInstanceAccount === account);

describe('a rollout while an account moves between two targeted OUs (roles named after stack instances)', () => {
  useRolloutWorld();
  beforeEach(() => {
    process.env.MEMBER_BASELINE_STACK_SET = 'goldsmith-test-member-baseline';
    process.env.MEMBER_BASELINE_CALL_AS = 'DELEGATED_ADMIN';
    process.env.MEMBER_BASELINE_ROLE_REGION = REGION;
    world.roles = new Set();
    for (const [account, ou] of [
      [CANARY, PRD1],
      [WAVE1, PRD1],
      [REST, PRD2],
    ] as const) {
      const id = stackId(account, 1);
      world.stackInstances.set(account, [instance(id, ou, 'CURRENT', 'SUCCEEDED')]);
      world.roles.add(roleOf(id));
      followingGroup(account);
    }
    return () => {
      delete process.env.MEMBER_BASELINE_STACK_SET;
      delete process.env.MEMBER_BASELINE_CALL_AS;
      delete process.env.MEMBER_BASELINE_ROLE_REGION;
    };
  });

  /** WAVE1 moves to PRD2: its new instance is created (its role first), the old one still CURRENT. */
  function moveStarts(): void {
    world.parentOf.set(WAVE1, PRD2);
    world.roles?.add(roleOf(NEW));
    world.stackInstances.set(WAVE1, [
      instance(OLD, PRD1, 'CURRENT', 'SUCCEEDED'),
      instance(NEW, PRD2, 'OUTDATED', 'RUNNING'),
    ]);
  }

  it('reads the moved account’s refresh as its new instance’s role once the old role is deleted, refreshes it once, and completes', async () => {
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    expect(world.started).toEqual([`${CANARY}/web-1`, `${WAVE1}/web-2`]);
    moveStarts();
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    // The new instance is CURRENT; the old one's deletion takes its role while the engine holds its credentials.
    world.stackInstances.set(WAVE1, [
      instance(OLD, PRD1, 'CURRENT', 'RUNNING'),
      instance(NEW, PRD2, 'CURRENT', 'SUCCEEDED'),
    ]);
    world.deletedRoles.add(roleOf(OLD));
    settle(WAVE1, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 2 });
    expect((await record()).waves[1]).toMatchObject({
      state: 'healthy',
      groups: [{ account: WAVE1, status: 'Successful' }],
    });
    expect((await record()).waves[1]?.failures ?? []).toEqual([]);
    // Listed again once (the old role refused), and the new instance's role, in the OU the account is in now, taken.
    expect(listedFor(WAVE1)).toHaveLength(2);
    expect(assumedRoles().filter((r) => r?.startsWith(`${PLAIN}-`) && r !== roleOf(stackId(CANARY, 1)))).toContain(
      roleOf(NEW),
    );
    settle(REST, 'Successful');
    settle(WAVE1, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'completed', currentWave: 2 });
    // Refreshed once: its group's one refresh, to the new version.
    expect(world.started.filter((s) => s.startsWith(WAVE1))).toEqual([`${WAVE1}/web-2`]);
    expect(memberOf(WAVE1).refreshes.map((r) => [r.status, r.desired?.Version])).toEqual([['Successful', '4']]);
  });

  it('records the group failed, with AWS’s refusal, when the moved account has no role left; the others go on and the wave fails as documented', async () => {
    canaryThenBothOUs();
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    expect(world.started).toEqual([`${CANARY}/web-1`, `${WAVE1}/web-2`, `${REST}/web-3`]);
    // The new instance failed (its role never made) and the old one's deletion took the old role.
    world.parentOf.set(WAVE1, PRD2);
    world.stackInstances.set(WAVE1, [
      instance(OLD, PRD1, 'CURRENT', 'RUNNING'),
      instance(NEW, PRD2, 'OUTDATED', 'FAILED'),
    ]);
    world.deletedRoles.add(roleOf(OLD));
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    const running = await record();
    expect(running.waves[1]?.failures).toMatchObject([
      { account: WAVE1, region: REGION, group: 'web-2', step: 'read', code: 'AccessDenied' },
    ]);
    expect(running.waves[1]?.failures?.[0]?.message).toMatch(roleOf(OLD));
    // The unrelated account's refresh is still read and waited for; then the wave fails, keeping it.
    settle(REST, 'Successful');
    // Halted: the moved account's refresh cannot be read, so the engine keeps watching for it.
    expect(await checkWave(INPUT)).toMatchObject({ state: 'halted', currentWave: 1 });
    const halted = await record();
    expect(halted.reason).toMatch(
      new RegExp(`^wave rest failed: group web-2 in ${WAVE1} ${REGION} refused: AccessDenied: .*${roleOf(OLD)}`),
    );
    expect(halted.waves[1]?.groups?.find((g) => g.account === REST)?.status).toBe('Successful');
    expect(memberOf(REST).refreshes.map((r) => r.status)).toEqual(['Successful']);
  });
});
