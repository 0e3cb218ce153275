import { beforeAll, describe, expect, it } from 'vitest';
import { stackState } from '../../core/preflight/stack-status.js';
import { type StatefulInventory, statefulInventory } from '../../scripts/release/stateful.js';
import { type Failure, ModelAccount, modelTemplates } from '../../scripts/release/update-model.js';
import { newestRelease, synthesized } from './release-helpers.js';

const BASELINE = 'prod-goldsmith-MemberBaseline';
const GROUP = 'AWS::Scheduler::ScheduleGroup prod-goldsmith-MemberBaseline';
/** The deploy fails where it changes the StackSet in every member account (a member account refusing it). */
const AT_STACK_SET: Failure = { stack: BASELINE, logicalId: 'MemberBaselineStackSet' };

/** A stage on the newest recorded release (0.2.0), then a deploy of `next` failing at the StackSet, then a retry. */
function failedThenRetried(next: StatefulInventory) {
  const account = new ModelAccount();
  const created = account.deployStage(modelTemplates(newestRelease().stacks));
  const templates = modelTemplates(next);
  const failed = account.deployStage(templates, AT_STACK_SET);
  const afterFailure = new Map(account.stacks);
  const leftBehind = [...account.names.entries()].filter(([, holder]) => holder.startsWith('retained from'));
  const retried = account.deployStage(templates);
  return { account, created, failed, afterFailure, leftBehind, retried };
}

describe('a failed deploy that the next deploy fixes (a model of CloudFormation over the real templates)', () => {
  let main: StatefulInventory;
  beforeAll(async () => {
    main = statefulInventory(await synthesized());
  }, 120_000);

  it('rolls the member baseline back to 0.2.0 (UPDATE_ROLLBACK_COMPLETE), which preflight reads as settled', () => {
    const run = failedThenRetried(main);
    expect([...run.created.values()].every((s) => s === 'CREATE_COMPLETE')).toBe(true);
    expect(run.failed.get(BASELINE)).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(run.account.events).toContain(`${BASELINE} MemberBaselineStackSet: update failed`);
    // What the failed update had created before the StackSet is gone, the schedule group with it.
    expect(run.account.events).toContain(
      `${BASELINE} FixedScheduleGroup: created by the failed operation, rolled back, deleted`,
    );
    expect(run.leftBehind).toEqual([]);
    // The added queue and log group are retained and left behind, but their names are generated: no retry meets them.
    expect(
      run.account.events
        .filter((e) => e.endsWith('rolled back, retained (DeletionPolicy Retain)'))
        .map((e) => e.split(':')[0]),
    ).toEqual([expect.stringMatching(/ KeyGrantsLogs/), expect.stringMatching(/ KeyGrantsDlq/)]);
    // Every stack of the stage, the rolled-back one included, is one a deploy may start from.
    expect([...run.afterFailure].map(([stack, s]) => [stack, stackState(s.status).kind])).toEqual(
      [...run.afterFailure.keys()].map((stack) => [stack, 'settled']),
    );
  });

  it('succeeds on the retry: the member baseline updated, the group created again under its name', () => {
    const run = failedThenRetried(main);
    expect(run.retried.get(BASELINE)).toBe('UPDATE_COMPLETE');
    expect([...run.retried.values()].every((s) => s === 'UPDATE_COMPLETE' || s === 'CREATE_COMPLETE')).toBe(true);
    expect(run.account.names.get(GROUP)).toBe(`${BASELINE} FixedScheduleGroup`);
  });

  it('fails every retry on the code this release started from (the group retained: DeletionPolicy Retain)', () => {
    const started = structuredClone(main);
    started[BASELINE]!.FixedScheduleGroup!.deletionPolicy = 'Retain';
    const run = failedThenRetried(started);
    expect(run.leftBehind).toEqual([[GROUP, `retained from ${BASELINE} FixedScheduleGroup`]]);
    expect(run.retried.get(BASELINE)).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(run.account.events).toContain(
      `${BASELINE} FixedScheduleGroup: create failed: ${GROUP} already exists (retained from ${BASELINE} FixedScheduleGroup)`,
    );
    // Settled, and refused again the same way: nothing but deleting the group by hand lets a deploy through.
    expect(stackState(run.account.stacks.get(BASELINE)!.status).kind).toBe('settled');
    expect(run.account.deployStage(modelTemplates(started)).get(BASELINE)).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  it('deletes, on a failed first create, what it created unless retained, and refuses to update the stack after', () => {
    const account = new ModelAccount();
    const template = modelTemplates(main).get(BASELINE)!;
    expect(account.deploy(BASELINE, template, 'MemberBaselineStackSet')).toEqual({
      status: 'ROLLBACK_COMPLETE',
      failed: true,
    });
    expect(account.names.has(GROUP)).toBe(false);
    expect(() => account.deploy(BASELINE, template)).toThrow(
      `ValidationError: Stack ${BASELINE} is in ROLLBACK_COMPLETE state and can not be updated`,
    );
    expect(stackState('ROLLBACK_COMPLETE').kind).toBe('delete');
  });
});
