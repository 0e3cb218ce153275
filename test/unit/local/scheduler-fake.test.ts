import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../local/clock.js';
import { SchedulerFake } from '../../../local/fakes/scheduler.js';
import { ACCOUNT, answeredBy, START } from './helpers.js';

const R = 'us-east-1';
const FN = `arn:aws:lambda:${R}:${ACCOUNT}:function:OnLifecycleRequest`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/RevocationSchedulerRole`;
const GROUP = 'goldsmith-test-revocations';

/** A real Scheduler client answered by the fake, which invokes into `invoked`. */
function scheduler() {
  const roles = new Set([ROLE]);
  const clock = new VirtualClock(START);
  const invoked: { arn: string; payload: unknown; at: string }[] = [];
  const fake = new SchedulerFake({
    accountId: ACCOUNT,
    region: R,
    now: () => clock.now(),
    schedule: (at, label, fn) => clock.schedule(at, label, fn),
    groups: [GROUP],
    roleExists: (arn) => roles.has(arn),
    invokeAsync: (arn, payload) => invoked.push({ arn, payload, at: clock.iso() }),
  });
  const sdk = answeredBy(new SchedulerClient({ region: R }), 'scheduler', fake, R, clock);
  return { clock, fake, sdk, invoked, roles };
}

const request = (over: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput => ({
  Name: 'base_1.0.0_2',
  GroupName: GROUP,
  ScheduleExpression: 'at(2027-01-03T09:00:00)',
  ScheduleExpressionTimezone: 'UTC',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ActionAfterCompletion: 'DELETE',
  Target: { Arn: FN, RoleArn: ROLE, Input: '{"detail-type":"Image Revoked"}' },
  ...over,
});

describe('Scheduler fake (one-time schedules)', () => {
  it('invokes the target once at the due time with the Input, then deletes a DELETE schedule', async () => {
    const { clock, sdk, invoked } = scheduler();

    const created = await sdk.send(new CreateScheduleCommand(request()));
    await clock.run('2027-01-03T08:59:59Z');
    const before = invoked.length;
    await clock.run('2027-01-04T00:00:00Z');

    expect(created.ScheduleArn).toBe(`arn:aws:scheduler:${R}:${ACCOUNT}:schedule/${GROUP}/base_1.0.0_2`);
    expect(before).toBe(0);
    expect(invoked).toEqual([{ arn: FN, payload: { 'detail-type': 'Image Revoked' }, at: '2027-01-03T09:00:00.000Z' }]);
    await expect(sdk.send(new GetScheduleCommand({ Name: 'base_1.0.0_2', GroupName: GROUP }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('does not invoke the target when its role is gone by the time it runs (replaced or deleted since creation)', async () => {
    const { clock, fake, sdk, invoked, roles } = scheduler();
    await sdk.send(new CreateScheduleCommand(request()));
    roles.delete(ROLE); // a deploy replaced the scheduler role: the schedule still names the old ARN
    await clock.run('2027-01-04T00:00:00Z');
    expect(invoked).toEqual([]);
    expect(fake.refusedRuns).toEqual([
      { at: '2027-01-03T09:00:00.000Z', schedule: `${GROUP}/base_1.0.0_2`, role: ROLE },
    ]);
  });

  it('keeps a NONE schedule after it ran, readable with GetSchedule', async () => {
    const { clock, sdk, invoked } = scheduler();

    await sdk.send(new CreateScheduleCommand(request({ ActionAfterCompletion: 'NONE' })));
    await clock.run('2027-01-04T00:00:00Z');
    const got = await sdk.send(new GetScheduleCommand({ Name: 'base_1.0.0_2', GroupName: GROUP }));

    expect(invoked).toHaveLength(1);
    expect(got).toMatchObject({ ScheduleExpression: 'at(2027-01-03T09:00:00)', ActionAfterCompletion: 'NONE' });
  });

  it('answers ConflictException for a name the group already has, leaving the first schedule as it was', async () => {
    const { sdk } = scheduler();
    await sdk.send(new CreateScheduleCommand(request()));

    const again = sdk.send(new CreateScheduleCommand(request({ ScheduleExpression: 'at(2027-01-04T09:00:00)' })));

    await expect(again).rejects.toBeInstanceOf(ConflictException);
    const got = await sdk.send(new GetScheduleCommand({ Name: 'base_1.0.0_2', GroupName: GROUP }));
    expect(got.ScheduleExpression).toBe('at(2027-01-03T09:00:00)');
  });

  it('never invokes a schedule deleted before its time', async () => {
    const { clock, sdk, invoked } = scheduler();
    await sdk.send(new CreateScheduleCommand(request()));

    await sdk.send(new DeleteScheduleCommand({ Name: 'base_1.0.0_2', GroupName: GROUP }));
    await clock.run('2027-01-04T00:00:00Z');

    expect(invoked).toEqual([]);
  });

  it.each([
    ['a malformed at() expression', { ScheduleExpression: 'at(2027-01-03 09:00)' }],
    ['a date that does not exist', { ScheduleExpression: 'at(2027-02-30T09:00:00)' }],
    ['a time already past', { ScheduleExpression: 'at(2026-12-31T23:00:00)' }],
    ['a name outside [0-9a-zA-Z-_.]', { Name: 'base/1.0.0/2' }],
    ['a name over 64 characters', { Name: 'n'.repeat(65) }],
    ['a window mode AWS does not have', { FlexibleTimeWindow: { Mode: 'SOMETIMES' as 'OFF' } }],
    ['an unknown ActionAfterCompletion', { ActionAfterCompletion: 'KEEP' as 'NONE' }],
    ['an execution role the stacks do not define', { Target: { Arn: FN, RoleArn: `${ROLE}2` } }],
    ['an Input that is not JSON', { Target: { Arn: FN, RoleArn: ROLE, Input: 'revoke' } }],
  ])('refuses %s with ValidationException', async (_what, over) => {
    const { sdk, fake } = scheduler();

    await expect(sdk.send(new CreateScheduleCommand(request(over)))).rejects.toBeInstanceOf(ValidationException);
    expect(fake.list()).toEqual([]);
  });

  it('answers ResourceNotFoundException for a group that does not exist', async () => {
    const { sdk } = scheduler();

    const created = sdk.send(new CreateScheduleCommand(request({ GroupName: 'nobody' })));

    await expect(created).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
