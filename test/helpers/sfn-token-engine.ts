import { LocalStepFunctions, type SavedStepFunctions } from '../../local/stepfunctions/engine.js';
import type { StatesDefinition } from '../../local/stepfunctions/localize.js';
import { manualClock } from './manual-clock.js';

/** The Lambda function a test machine's approval task invokes. */
export const TASK_FN = 'arn:aws:lambda:us-east-1:123456789012:function:task';
/** The state machine the save tests register. */
export const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:promotion';

/** A machine that waits for an approval on a task token (an hour at most), then goes on to `done`. */
export function approvalMachine(done: StatesDefinition['States'][string]): StatesDefinition {
  return {
    StartAt: 'Approval',
    States: {
      Approval: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: TASK_FN, Payload: { 'token.$': '$$.Task.Token' } },
        TimeoutSeconds: 3600,
        Next: 'Done',
      },
      Done: done,
    },
  };
}

/**
 * A local Step Functions engine on a manual clock from 1 January 2027, with `definition` registered as
 * MACHINE_ARN, its task tokens drawn from `tokenSeed`, and every token its tasks hand to Lambda kept in `tokens`.
 */
export function tokenEngine(definition: StatesDefinition, tokenSeed: string) {
  const clock = manualClock('2027-01-01T00:00:00Z');
  const tokens: string[] = [];
  const sfn = new LocalStepFunctions({
    clock,
    tokenSeed,
    invoke: async (_arn, payload) => {
      tokens.push((payload as { token: string }).token);
      return {};
    },
  });
  sfn.register(MACHINE_ARN, definition);
  return { clock, tokens, sfn };
}

/** Through the disk: what a saved cloud holds is JSON. */
export const viaJson = (state: SavedStepFunctions) => JSON.parse(JSON.stringify(state)) as SavedStepFunctions;
