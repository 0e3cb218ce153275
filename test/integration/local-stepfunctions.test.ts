import { describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../local/stepfunctions/engine.js';
import type { StatesDefinition } from '../../local/stepfunctions/localize.js';
import { manualClock } from '../helpers/manual-clock.js';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:task';
const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:promotion';

const definition: StatesDefinition = {
  StartAt: 'Load',
  States: {
    Load: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN, 'Payload.$': '$' },
      ResultSelector: { 'soakSeconds.$': '$.Payload.soakSeconds' },
      Next: 'Soak',
    },
    Soak: { Type: 'Wait', SecondsPath: '$.soakSeconds', Next: 'Approval' },
    Approval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN, Payload: { 'token.$': '$$.Task.Token', step: 'approval' } },
      TimeoutSeconds: 7200,
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Expired' }],
      Next: 'Done',
    },
    Expired: { Type: 'Fail', Error: 'Expired', Cause: 'approval expired' },
    Done: { Type: 'Succeed' },
  },
};

describe('LocalStepFunctions', () => {
  function setup() {
    const clock = manualClock('2027-01-01T00:00:00Z');
    const tokens: string[] = [];
    const sfn = new LocalStepFunctions({
      clock,
      invoke: async (_arn, payload) => {
        const step = (payload as { step?: string; token?: string }).step;
        if (step === 'approval') tokens.push((payload as { token: string }).token);
        return { soakSeconds: 3600 };
      },
    });
    sfn.register(machineArn, definition);
    return { clock, tokens, sfn };
  }

  it('waits on the virtual clock and resumes on SendTaskSuccess', async () => {
    const { clock, tokens, sfn } = setup();
    const { executionArn } = sfn.startExecution({ stateMachineArn: machineArn, name: 'img-1', input: '{}' });
    await clock.advance(1800);
    expect(tokens).toHaveLength(0);
    await clock.advance(1800);
    expect(tokens).toHaveLength(1);
    sfn.sendTaskSuccess(tokens[0]!, '{"decision":"approved"}');
    await sfn.settled();
    expect(sfn.describeExecution(executionArn).status).toBe('SUCCEEDED');
  });

  it('expires a task token after TimeoutSeconds of virtual time and rejects a late answer', async () => {
    const { clock, tokens, sfn } = setup();
    const { executionArn } = sfn.startExecution({ stateMachineArn: machineArn, name: 'img-2', input: '{}' });
    await clock.advance(3600);
    await clock.advance(7200);
    await sfn.settled();
    expect(sfn.describeExecution(executionArn)).toMatchObject({ status: 'FAILED', error: 'Expired' });
    expect(() => sfn.sendTaskSuccess(tokens[0]!, '{}')).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
  });

  it('treats a repeated start with the same name and input as the same execution, and a different input as a conflict', async () => {
    const { sfn } = setup();
    const first = sfn.startExecution({ stateMachineArn: machineArn, name: 'img-3', input: '{}' });
    expect(sfn.startExecution({ stateMachineArn: machineArn, name: 'img-3', input: '{}' })).toEqual(first);
    expect(() => sfn.startExecution({ stateMachineArn: machineArn, name: 'img-3', input: '{"x":1}' })).toThrow(
      expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
    );
    expect(sfn.list()).toHaveLength(1);
  });

  it('times the whole execution out on the virtual clock at the machine TimeoutSeconds', async () => {
    const { clock, sfn } = setup();
    const slow = `${machineArn}-slow`;
    sfn.register(slow, { ...definition, TimeoutSeconds: 1800 });
    const { executionArn } = sfn.startExecution({ stateMachineArn: slow, name: 'img-4', input: '{}' });
    await clock.advance(1799);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.advance(1);
    await sfn.settled();
    expect(sfn.describeExecution(executionArn)).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });

  it('returns the documented errors for unknown machines, bad names and unknown tokens', () => {
    const { sfn } = setup();
    expect(() => sfn.startExecution({ stateMachineArn: `${machineArn}-x`, name: 'a' })).toThrow(
      expect.objectContaining({ name: 'StateMachineDoesNotExist' }),
    );
    expect(() => sfn.startExecution({ stateMachineArn: machineArn, name: 'has space' })).toThrow(
      expect.objectContaining({ name: 'InvalidName' }),
    );
    expect(() => sfn.sendTaskFailure('nope', 'Rejected')).toThrow(
      expect.objectContaining({ name: 'TaskDoesNotExist' }),
    );
  });

  it("fills the context's State and Execution.RedriveCount for each attempt: RetryCount 0, then 1 on the retry", async () => {
    const clock = manualClock('2027-01-01T00:00:00Z');
    const payloads: unknown[] = [];
    const sfn = new LocalStepFunctions({
      clock,
      invoke: async (_arn, payload) => {
        payloads.push(payload);
        if (payloads.length === 1) throw Object.assign(new Error('not yet'), { name: 'NotYet' });
        return {};
      },
    });
    const attempts = `${machineArn}-attempts`;
    sfn.register(attempts, {
      StartAt: 'Publish',
      States: {
        Publish: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: {
            FunctionName: FN,
            Payload: {
              'image.$': '$.image',
              'retryCount.$': '$$.State.RetryCount',
              'redriveCount.$': '$$.Execution.RedriveCount',
              'state.$': '$$.State.Name',
              'entered.$': '$$.State.EnteredTime',
            },
          },
          Retry: [{ ErrorEquals: ['NotYet'], IntervalSeconds: 60, MaxAttempts: 2 }],
          End: true,
        },
      },
    });
    const { executionArn } = sfn.startExecution({
      stateMachineArn: attempts,
      name: 'img-5',
      input: '{"image":"base"}',
    });
    await clock.advance(60);
    await sfn.settled();
    expect(sfn.describeExecution(executionArn).status).toBe('SUCCEEDED');
    const entered = '2027-01-01T00:00:00.000Z';
    expect(payloads).toEqual([
      { image: 'base', retryCount: 0, redriveCount: 0, state: 'Publish', entered },
      { image: 'base', retryCount: 1, redriveCount: 0, state: 'Publish', entered },
    ]);
  });
});
