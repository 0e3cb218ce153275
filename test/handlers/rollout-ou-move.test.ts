import type { StackInstanceSummary } from '@aws-sdk/client-cloudformation';
import { ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderRolloutStatus } from '../../cli/operator/rollout-text.js';
import { rolloutRoleNameOfStack } from '../../core/names.js';
import { MOVING_MINUTES } from '../../core/rollout/moving.js';
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

/**
 * The member baseline deployed: each account's instance CURRENT in its OU, with its role, and one following group.
 * @returns the environment's cleanup.
 */
function deployedBaseline(): () => void {
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
}

describe('a rollout while an account moves between two targeted OUs (roles named after stack instances)', () => {
  useRolloutWorld();
  beforeEach(deployedBaseline);

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

/**
 * StackSets moves an account as a delete, then a queued create: one instance per account and Region, so for a while
 * the account has no rollout role. The engine takes it as moving (waited for, at each check), not as refusing.
 */
describe('a rollout while StackSets has a moving account between its two instances', () => {
  useRolloutWorld();
  const MINUTE = 60_000;
  let at = Date.parse('2027-01-03T00:00:00Z');
  const later = (minutes: number) => {
    // The engine lists the instances again only a minute after it found no other role: checks are minutes apart.
    at += minutes * MINUTE;
    vi.setSystemTime(at);
  };
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    at = Date.parse('2027-01-03T00:00:00Z');
    vi.setSystemTime(at);
    return deployedBaseline();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** WAVE1 moves to PRD2: its old instance is deleted first (its role gone), its create queued. */
  function deleting(): void {
    world.parentOf.set(WAVE1, PRD2);
    world.deletedRoles.add(roleOf(OLD));
    world.stackInstances.set(WAVE1, [instance(OLD, PRD1, 'CURRENT', 'RUNNING')]);
  }
  const queued = (): void => {
    world.stackInstances.set(WAVE1, [
      {
        Account: WAVE1,
        Region: REGION,
        OrganizationalUnitId: PRD2,
        Status: 'OUTDATED',
        StackInstanceStatus: { DetailedStatus: 'PENDING' },
      },
    ]);
  };
  const created = (): void => {
    world.roles?.add(roleOf(NEW));
    world.stackInstances.set(WAVE1, [instance(NEW, PRD2, 'CURRENT', 'SUCCEEDED')]);
  };

  it('waits for a refreshing account whose role is being replaced, then reads it as its new role and goes on', async () => {
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    deleting();
    settle(WAVE1, 'Successful');
    later(5);
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    const waiting = await record();
    expect(waiting.waves[1]).toMatchObject({
      state: 'refreshing',
      moving: [{ account: WAVE1, region: REGION, code: 'AccessDenied' }],
    });
    expect(waiting.waves[1]?.failures ?? []).toEqual([]);
    expect(renderRolloutStatus(waiting)).toContain(
      `\n    ${WAVE1} ${REGION}: moving between OUs, waited for since 2027-01-03 00:05 (its rollout role is being replaced: AccessDenied)\n`,
    );
    queued();
    later(5);
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    created();
    later(5);
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 2 });
    const done = await record();
    expect(done.waves[1]).toMatchObject({ state: 'healthy', groups: [{ account: WAVE1, status: 'Successful' }] });
    expect(done.waves[1]?.moving).toBeUndefined();
    expect(done.waves[1]?.failures ?? []).toEqual([]);
  });

  it(`records the refusal once the account has been between instances for ${MOVING_MINUTES} minutes, and the wave fails`, async () => {
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    await checkWave(INPUT);
    deleting();
    settle(WAVE1, 'Successful');
    later(5);
    await checkWave(INPUT);
    queued();
    later(MOVING_MINUTES - 1);
    expect(await checkWave(INPUT)).toMatchObject({ state: 'running', currentWave: 1 });
    later(2);
    expect(await checkWave(INPUT)).toMatchObject({ state: 'halted', currentWave: 1 });
    const halted = await record();
    expect(halted.waves[1]?.failures).toMatchObject([{ account: WAVE1, step: 'read', code: 'AccessDenied' }]);
    expect(halted.waves[1]?.failures?.[0]?.message).toMatch(/^still between member baseline stack instances since /);
  });

  it('leaves a moving account pending when its wave starts, and starts its group once its new role is there', async () => {
    canaryThenBothOUs();
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    deleting();
    later(5);
    expect(await checkWave(INPUT)).toEqual({ done: false, state: 'running', currentWave: 1 });
    const started = await record();
    expect(world.started).toEqual([`${CANARY}/web-1`, `${REST}/web-3`]);
    expect(started.waves[1]?.pending).toMatchObject([{ account: WAVE1, region: REGION, code: 'AccountMoving' }]);
    expect(started.waves[1]?.failures ?? []).toEqual([]);
    created();
    later(5);
    await checkWave(INPUT);
    expect(world.started).toEqual([`${CANARY}/web-1`, `${REST}/web-3`, `${WAVE1}/web-2`]);
    settle(REST, 'Successful');
    settle(WAVE1, 'Successful');
    later(5);
    expect(await checkWave(INPUT)).toEqual({ done: true, state: 'completed', currentWave: 1 });
  });
});
