import { describe, expect, it } from 'vitest';
import type { SavedDeployment } from '../../../local/snapshot/deployment.js';
import { functionsCalled, rollbackProblems } from '../../../local/snapshot/rollback.js';
import type { StatesDefinition } from '../../../local/stepfunctions/localize.js';

const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:Promotion';

/** A promotion that calls `check` directly and `publish` through lambda:invoke inside a Map. */
const definition: StatesDefinition = {
  StartAt: 'Check',
  States: {
    Check: { Type: 'Task', Resource: fn('Check'), Next: 'Channels' },
    Channels: {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Publish',
        States: {
          Publish: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: `${fn('Publish')}:$LATEST` },
            End: true,
          },
        },
      },
      End: true,
    },
  },
};

const deployment = (release: string, functions: Record<string, string>): SavedDeployment => ({
  release,
  stateMachines: { [MACHINE]: definition },
  functions,
  rules: {},
  parameters: {},
  queues: [],
  secrets: [],
});

describe('what a rollback does to the executions the newer release left running', () => {
  it('finds every function a definition calls, nested states and qualified names included', () => {
    expect([...functionsCalled(definition)].sort()).toEqual([fn('Check'), fn('Publish')]);
  });

  it('finds nothing when the older release deploys every function they call, with the same handlers', () => {
    const handlers = { [fn('Check')]: 'functions/check.handler', [fn('Publish')]: 'functions/publish.handler' };
    expect(
      rollbackProblems(deployment('0.3.0', handlers), deployment('0.2.0', handlers), [
        { stateMachineArn: MACHINE, definition },
      ]),
    ).toEqual([]);
  });

  it('names a function the older release does not deploy, one with another handler, and a state machine it lacks', () => {
    const newer = deployment('0.3.0', {
      [fn('Check')]: 'functions/check.handler',
      [fn('Publish')]: 'functions/publish-v2.handler',
    });
    newer.stateMachines[`${MACHINE}Two`] = definition;
    const older = deployment('0.2.0', { [fn('Publish')]: 'functions/publish.handler' });
    expect(rollbackProblems(newer, older, [{ stateMachineArn: MACHINE, definition }])).toEqual([
      `0.2.0 does not define state machine ${MACHINE}Two`,
      'Promotion calls Check, which 0.2.0 does not deploy',
      'Promotion calls Publish, whose handler is functions/publish.handler in 0.2.0, not functions/publish-v2.handler',
    ]);
  });
});
