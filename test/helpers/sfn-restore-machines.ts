import type { StatesDefinition } from '../../local/stepfunctions/localize.js';

export const FN = 'arn:aws:lambda:us-east-1:123456789012:function:task';
export const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:promotion';
export const T0 = Date.parse('2027-01-01T00:00:00Z');
export const minutes = (m: number) => T0 + m * 60_000;

/** Pass → Lambda Task → Wait 1 h → approval token (2 h timeout) → Map of 3 retried shares → Choice → end. */
export const definition: StatesDefinition = {
  StartAt: 'Prepare',
  TimeoutSeconds: 86_400,
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'image.$': '$.image', channels: ['dev', 'test', 'prod'] }, Next: 'Build' },
    Build: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN, Payload: { step: 'build', 'image.$': '$.image' } },
      ResultSelector: { 'ami.$': '$.Payload.ami' },
      ResultPath: '$.build',
      Next: 'Soak',
    },
    Soak: { Type: 'Wait', Seconds: 3600, Next: 'Approval' },
    Approval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN, Payload: { step: 'approval', 'token.$': '$$.Task.Token', 'image.$': '$.image' } },
      TimeoutSeconds: 7200,
      ResultPath: '$.approval',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.expired', Next: 'Expired' }],
      Next: 'Rollout',
    },
    Expired: { Type: 'Fail', Error: 'ApprovalExpired', Cause: 'no decision in time' },
    Rollout: {
      Type: 'Map',
      ItemsPath: '$.channels',
      ItemSelector: { 'channel.$': '$$.Map.Item.Value', 'image.$': '$.image' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Share',
        States: {
          Share: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: {
              FunctionName: FN,
              Payload: { step: 'share', 'channel.$': '$.channel', 'image.$': '$.image' },
            },
            OutputPath: '$.Payload',
            Retry: [
              {
                ErrorEquals: ['Throttled'],
                IntervalSeconds: 60,
                BackoffRate: 2,
                MaxAttempts: 3,
                JitterStrategy: 'FULL',
              },
            ],
            End: true,
          },
        },
      },
      ResultPath: '$.shared',
      Next: 'Decide',
    },
    Decide: {
      Type: 'Choice',
      Choices: [{ Variable: '$.approval.decision', StringEquals: 'approved', Next: 'Done' }],
      Default: 'Rejected',
    },
    Done: { Type: 'Succeed' },
    Rejected: { Type: 'Fail', Error: 'Rejected', Cause: 'the approver rejected it' },
  },
};

const build = (image: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: FN, Payload: { step: 'build', image } },
  OutputPath: '$.Payload',
  End: true,
});

/** Two branches at once: one waits 10 minutes then builds, the other an hour. */
export const parallel: StatesDefinition = {
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Short', States: { Short: { Type: 'Wait', Seconds: 600, Next: 'Early' }, Early: build('early') } },
        { StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 3600, Next: 'Late' }, Late: build('late') } },
      ],
      End: true,
    },
  },
};
