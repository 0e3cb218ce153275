/**
 * The service control policy's statements about what the deployment sets up (pure): the release, the schedules, the
 * doors' and buses' policies, the rules, the stacks and stack sets, and the state machines and their task tokens. Part
 * of the policy core/scp/statements.ts writes.
 */
import { PARAMETER_WRITES, type StatementContext } from './context.js';
import { HOLDINGS_AUDITOR, POLICIES_AUDITOR, TASK_TOKEN_SENDERS } from './roles.js';
import type { ScpStatementSpec } from './spec.js';

/** Who writes the release, the schedules, the doors' and buses' policies and the rules. */
export function releaseAndEventStatements(c: StatementContext): ScpStatementSpec[] {
  const { stage, r, P, cdk, own, fn, topicSamples } = c;
  return [
    {
      sid: 'ReleaseOnlyByTheDeployment',
      actions: PARAMETER_WRITES,
      resources: ['arn:aws:ssm:*:*:parameter/goldsmith-release/*'],
      exempt: [cdk],
      samples: [{ resource: r.release }],
    },
    {
      sid: 'SchedulesOnlyByGoldsmith',
      actions: [
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:DeleteScheduleGroup',
      ],
      resources: [
        `arn:aws:scheduler:*:*:schedule/${P}*/*`,
        `arn:aws:scheduler:*:*:schedule/goldsmith-${stage}-*/*`,
        `arn:aws:scheduler:*:*:schedule-group/${P}*`,
        `arn:aws:scheduler:*:*:schedule-group/goldsmith-${stage}-*`,
      ],
      exempt: [cdk, own],
      samples: [{ resource: r.revocationSchedule }, { resource: r.fixedSchedule }],
    },
    {
      sid: 'DoorsOnlyByTheDeployment',
      actions: [
        'sqs:AddPermission',
        'sqs:RemovePermission',
        'sns:AddPermission',
        'sns:RemovePermission',
        'dynamodb:PutResourcePolicy',
        'dynamodb:DeleteResourcePolicy',
      ],
      resources: ['*'],
      exempt: [cdk],
      samples: [{ resource: r.notifications }, { resource: r.deadLetters }, { resource: r.ledger }],
    },
    {
      sid: 'DoorPoliciesOnlyByTheDeployment',
      actions: ['sqs:SetQueueAttributes', 'sns:SetTopicAttributes'],
      resources: ['*'],
      exempt: [cdk, fn(POLICIES_AUDITOR)],
      samples: [{ resource: r.deadLetters }, ...topicSamples],
    },
    {
      sid: 'RulesOnlyByTheDeployment',
      actions: [
        'events:DisableRule',
        'events:DeleteRule',
        'events:PutRule',
        'events:PutTargets',
        'events:RemoveTargets',
      ],
      resources: [
        `arn:aws:events:*:*:rule/${P}*`,
        `arn:aws:events:*:*:rule/*/${P}*`,
        `arn:aws:events:*:*:event-bus/goldsmith-${stage}*`,
        'arn:aws:events:*:*:event-bus/default',
      ],
      exempt: [cdk, fn(HOLDINGS_AUDITOR)],
      samples: [{ resource: r.forwardingRule }, { resource: r.homeRule }],
    },
    {
      // PutPermission and RemovePermission name no resource type: IAM and SCPs see `*`, whichever bus they change.
      sid: 'BusPoliciesOnlyByTheDeployment',
      actions: ['events:PutPermission', 'events:RemovePermission'],
      resources: ['*'],
      exempt: [cdk, fn(POLICIES_AUDITOR)],
      samples: [{ resource: '*' }],
    },
  ];
}

/** Who changes the stacks and stack sets, and which stacks the CDK execution role runs. */
export function stackStatements(c: StatementContext): ScpStatementSpec[] {
  const { options, stage, region, r, role, cdk } = c;
  return [
    {
      sid: 'StackSetsOnlyByTheDeployment',
      actions: [
        'cloudformation:CreateStackSet',
        'cloudformation:UpdateStackSet',
        'cloudformation:DeleteStackSet',
        'cloudformation:CreateStackInstances',
        'cloudformation:UpdateStackInstances',
        'cloudformation:DeleteStackInstances',
        'cloudformation:ImportStacksToStackSet',
      ],
      resources: ['*'],
      exempt: [cdk],
      samples: [
        { resource: `arn:aws:cloudformation:${region}:${r.account}:stackset/goldsmith-${stage}-member-baseline:1` },
      ],
    },
    {
      sid: 'StacksOnlyByTheDeployer',
      actions: [
        'cloudformation:CreateStack',
        'cloudformation:UpdateStack',
        'cloudformation:DeleteStack',
        'cloudformation:CreateChangeSet',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:SetStackPolicy',
        'cloudformation:ContinueUpdateRollback',
        'cloudformation:CancelUpdateStack',
        'cloudformation:RollbackStack',
        'cloudformation:CreateStackRefactor',
        'cloudformation:ExecuteStackRefactor',
        'cloudformation:SignalResource',
      ],
      resources: [
        `arn:aws:cloudformation:*:*:stack/${stage}-goldsmith-*/*`,
        'arn:aws:cloudformation:*:*:stack/CDKToolkit/*',
        'arn:aws:cloudformation:*:*:stack/SSTBootstrap/*',
      ],
      exempt: [role(options.deployer)],
      samples: [{ resource: r.stack }],
    },
    {
      // CloudFormation calls with the stack's service role, whoever asked: the stack is only known here, at the
      // request that names the role (cloudformation:RoleArn; ExecuteChangeSet runs the role its change set named).
      sid: 'ExecRoleOnlyForGoldsmithStacks',
      actions: [
        'cloudformation:CreateStack',
        'cloudformation:UpdateStack',
        'cloudformation:CreateChangeSet',
        'cloudformation:DeleteStack',
        // Both take the role, which "CloudFormation always uses … for all future operations on the stack"
        // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html).
        'cloudformation:ContinueUpdateRollback',
        'cloudformation:RollbackStack',
      ],
      notResources: [
        `arn:aws:cloudformation:*:*:stack/${stage}-goldsmith-*/*`,
        'arn:aws:cloudformation:*:*:stack/SSTBootstrap/*',
      ],
      conditions: { ArnLike: { 'cloudformation:RoleArn': cdk } },
      exempt: [],
      samples: [{ resource: r.otherStack, context: { 'cloudformation:RoleArn': r.cfnExecRole } }],
    },
  ];
}

/** Who runs and changes the state machines and answers their task tokens. */
export function stateMachineStatements(c: StatementContext): ScpStatementSpec[] {
  const { r, cdk, own, onFinding, fn, stateMachines } = c;
  return [
    {
      sid: 'StateMachinesOnlyByGoldsmith',
      actions: ['states:StartExecution', 'states:StopExecution', 'states:RedriveExecution'],
      resources: [
        ...stateMachines,
        'arn:aws:states:*:*:execution:PromotionStateMachine*:*',
        'arn:aws:states:*:*:execution:RolloutStateMachine*:*',
      ],
      exempt: [cdk, own, onFinding],
      samples: [{ resource: r.promotion }, { resource: r.promotionExecution }],
    },
    {
      sid: 'StateMachineDefinitionsOnlyByTheDeployment',
      actions: ['states:UpdateStateMachine', 'states:DeleteStateMachine'],
      resources: stateMachines,
      exempt: [cdk],
      samples: [{ resource: r.promotion }],
    },
    {
      // SendTask* name no resource type (the task token says which execution): they are authorized on `*`.
      sid: 'TaskTokensOnlyByGoldsmith',
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
      resources: ['*'],
      exempt: [...TASK_TOKEN_SENDERS.map(fn), onFinding],
      samples: [{ resource: '*' }],
    },
  ];
}
