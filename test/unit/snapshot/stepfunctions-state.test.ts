import { describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../../local/stepfunctions/engine.js';
import { manualClock } from '../../helpers/manual-clock.js';
import { approvalMachine, MACHINE_ARN as machineArn, tokenEngine, viaJson } from '../../helpers/sfn-token-engine.js';

const definition = approvalMachine({ Type: 'Succeed' });
const engine = () => tokenEngine(definition, 'saved-cloud');

describe('Step Functions saved with no execution running, and loaded into a fresh engine', () => {
  it('describes the same executions, refuses their names and answered tokens, and issues the next token the saved one would', async () => {
    const saved = engine();
    const approved = saved.sfn.startExecution({ stateMachineArn: machineArn, name: 'approved', input: '{}' });
    const expired = saved.sfn.startExecution({ stateMachineArn: machineArn, name: 'expired', input: '{}' });
    await saved.clock.advance(1);
    saved.sfn.sendTaskSuccess(saved.tokens[0] ?? '', '{}');
    await saved.clock.advance(3600);
    await saved.sfn.settled();
    const state = viaJson(saved.sfn.saveState());

    const fresh = engine();
    fresh.sfn.loadState(state);
    expect(fresh.sfn.list()).toEqual(saved.sfn.list());
    expect(fresh.sfn.describeExecution(approved.executionArn).status).toBe('SUCCEEDED');
    expect(fresh.sfn.describeExecution(expired.executionArn).error).toBe('States.Timeout');
    expect(() => fresh.sfn.startExecution({ stateMachineArn: machineArn, name: 'approved', input: '{}' })).toThrow(
      'Execution Already Exists',
    );
    expect(() => fresh.sfn.sendTaskSuccess(saved.tokens[0] ?? '', '{}')).toThrow('Task Does Not Exist');
    expect(() => fresh.sfn.sendTaskSuccess(saved.tokens[1] ?? '', '{}')).toThrow('Task Timed Out');

    for (const side of [saved, fresh])
      side.sfn.startExecution({ stateMachineArn: machineArn, name: 'next', input: '{}' });
    await saved.clock.advance(1);
    await fresh.clock.advance(1);
    expect(fresh.tokens).toEqual([saved.tokens[2]]);
  });

  it('refuses to save while a task of a running execution is at work, naming execution and state', async () => {
    const clock = manualClock('2027-01-01T00:00:00Z');
    const sfn = new LocalStepFunctions({ clock, invoke: () => new Promise(() => undefined) });
    sfn.register(machineArn, definition);
    sfn.startExecution({ stateMachineArn: machineArn, name: 'invoking', input: '{}' });
    await clock.advance(1);
    expect(() => sfn.saveState()).toThrow(/execution invoking is at work in state Approval/);
  });
});
