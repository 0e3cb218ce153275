/**
 * The service control policy's statements, written from a deployment's names (pure): the one source of
 * docs/security/scp.md's policy, of `goldsmith scp`, of the local cloud's organization and of what
 * `goldsmith preflight` requires (core/preflight/scp-requirements.ts). Each statement carries the requests an
 * outsider would send that it must refuse (`samples`), so the check covers every statement and action it lists.
 */
import { deploymentStatementSpecs } from './deployment-statements.js';
import { constructPattern, type FunctionRole, generatedPrefix, stackName, synthesizedFunctionName } from './names.js';
import type { ScpStatementSpec } from './spec.js';

export type { ScpContext, ScpStatementSpec } from './spec.js';

/** What the policy is written for. */
export interface ScpOptions {
  stage: string;
  /** The factory account (`*` when the policy is written for any). */
  account: string;
  /** The role your deploy pipeline calls CloudFormation with. */
  deployer: string;
  /** The role you rotate the approval signing keys with. */
  keyRotator: string;
  /** The principal ARNs the catalog's approvers sign as (approverPrincipalArns): the front door's callers. */
  approvers?: readonly string[];
}

export const DEFAULT_DEPLOYER = 'goldsmith-deployer';
export const DEFAULT_KEY_ROTATOR = 'goldsmith-key-rotator';

/** The functions that answer a state machine's task token (docs/reference/iam.md: states:SendTask*). */
export const TASK_TOKEN_SENDERS: readonly FunctionRole[] = [
  { stack: 'Promotion', construct: 'ApprovalCallback' },
  { stack: 'Promotion', construct: 'OnFinding' },
  { stack: 'Promotion', construct: 'OnLifecycleRequest' },
  { stack: 'Promotion', construct: 'Reconcile' },
  { stack: 'Trust', construct: 'Operator' },
  // The operator endpoint's revoke door ends a revoked version's waiting promotions (functions/lifecycle/revoke-waits.ts).
  { stack: 'Trust', construct: 'RevokeEndpoint' },
];

/** The functions exempted by name from a statement that exempts no other function. */
export const DOORS_AUDITOR: FunctionRole = { stack: 'Notifications', construct: 'AuditDoors' };
export const POLICIES_AUDITOR: FunctionRole = { stack: 'Monitoring', construct: 'AuditPolicies' };
/** Stops a function changed outside a deploy (lambda:PutFunctionConcurrency 0: docs/security/audit.md). */
export const FUNCTIONS_AUDITOR: FunctionRole = { stack: 'Monitoring', construct: 'AuditFunctions' };
/** Puts the Regions' forwarding rules back where changed outside Goldsmith (functions/audit/rules.ts). */
export const HOLDINGS_AUDITOR: FunctionRole = { stack: 'Promotion', construct: 'AuditHoldings' };
/** `goldsmith rotate-signing-key` puts the signing keys' new values as the operator endpoint's role. */
export const OPERATOR: FunctionRole = { stack: 'Trust', construct: 'Operator' };
/** `goldsmith revoke --at` / `cancel-revocation` create and delete revocation schedules as the revoke door's role. */
export const OPERATOR_REVOKE: FunctionRole = { stack: 'Trust', construct: 'RevokeEndpoint' };

/** Sample resources, as the stacks name them in `region` of `account` (concrete where the policy has `*`). */
export function sampleResources(stage: string, account: string, region: string) {
  const acct = account === '*' ? '123456789012' : account;
  const at = (service: string, rest: string) => `arn:aws:${service}:${region}:${acct}:${rest}`;
  return {
    account: acct,
    function: at('lambda', `function:${synthesizedFunctionName(stage, 'Trust', 'Operator')}`),
    // A function no other statement holds invocation of (the operator doors have statements of their own).
    publisher: at('lambda', `function:${synthesizedFunctionName(stage, 'Promotion', 'PromotionPublish')}`),
    role: `arn:aws:iam::${acct}:role/${stage}-goldsmith-Promotion-ReconcileSchedulerRole`,
    pointer: at('ssm', 'parameter/goldsmith/base/prod'),
    release: at('ssm', `parameter/goldsmith-release/${stage}`),
    revocationSchedule: at('scheduler', `schedule/goldsmith-${stage}-revocations/revoke-base-1-0-0-1`),
    fixedSchedule: at('scheduler', `schedule/${stackName(stage, 'Promotion')}/reconcile`),
    forwardingRule: at('events', `rule/${stage}-goldsmith-findings-to-home`),
    homeRule: at('events', `rule/${stackName(stage, 'Promotion')}-ImageStateRule`),
    notifications: at('sns', `goldsmith-${stage}-notifications`),
    approvalLinks: at('sns', `goldsmith-${stage}-approval-links`),
    deadLetters: at('sqs', `${stackName(stage, 'Promotion')}-ReconcileDlq`),
    ledger: at('dynamodb', `table/goldsmith-${stage}-ledger`),
    linkKey: at('secretsmanager', `secret:goldsmith/${stage}/approval-links-AbCdEf`),
    decisionKey: at('secretsmanager', `secret:goldsmith/${stage}/approval-decisions-AbCdEf`),
    ami: `arn:aws:ec2:${region}::image/ami-0123456789abcdef0`,
    promotion: at('states', 'stateMachine:PromotionStateMachine1A2B3C4D-AbCdEf123456'),
    promotionExecution: at('states', 'execution:PromotionStateMachine1A2B3C4D-AbCdEf123456:run-1'),
    stack: at('cloudformation', `stack/${stackName(stage, 'Promotion')}/0a1b2c3d`),
    otherStack: at('cloudformation', 'stack/someone-elses-stack/0a1b2c3d'),
    alarm: at('cloudwatch', `alarm:${stackName(stage, 'Monitoring')}-DeadLetters`),
    cfnExecRole: `arn:aws:iam::${acct}:role/cdk-hnb659fds-cfn-exec-role-${acct}-${region}`,
  };
}

const managed = { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' };
const PARAMETER_WRITES = [
  'ssm:PutParameter',
  'ssm:DeleteParameter',
  'ssm:DeleteParameters',
  'ssm:LabelParameterVersion',
  'ssm:AddTagsToResource',
];

/**
 * Every statement of the policy for `options`, in the page's order; `region` and `sampleAccount` only name the
 * samples. The resource patterns name every Region (`*`): the stacks make rules and keys in the distribution Regions
 * too.
 */
export function scpStatementSpecs(
  options: ScpOptions,
  region = 'us-east-1',
  sampleAccount = options.account,
): ScpStatementSpec[] {
  const { stage, account } = options;
  const r = sampleResources(stage, sampleAccount, region);
  const P = generatedPrefix(stage);
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  const cdk = role('cdk-*-cfn-exec-role-*');
  const own = role(`${P}*`);
  const onFinding = role(`goldsmith-${stage}-on-finding`);
  const fn = (f: FunctionRole) => role(constructPattern(stage, f.stack, f.construct));
  const functions = `arn:aws:lambda:*:*:function:${P}*`;
  const goldsmithRoles = [`arn:aws:iam::*:role/${P}*`, `arn:aws:iam::*:role/goldsmith-${stage}-*`];
  const topics = [`arn:aws:sns:*:*:${P}*`, `arn:aws:sns:*:*:goldsmith-${stage}-*`];
  const keys = [
    `arn:aws:secretsmanager:*:*:secret:goldsmith/${stage}/approval-links-*`,
    `arn:aws:secretsmanager:*:*:secret:goldsmith/${stage}/approval-decisions-*`,
    `arn:aws:secretsmanager:*:*:secret:goldsmith/${stage}/task-tokens-*`,
  ];
  const stateMachines = [
    'arn:aws:states:*:*:stateMachine:PromotionStateMachine*',
    'arn:aws:states:*:*:stateMachine:RolloutStateMachine*',
  ];
  const topicSamples = [{ resource: r.notifications }, { resource: r.approvalLinks }];
  return [
    {
      sid: 'FunctionsOnlyByGoldsmith',
      actions: ['lambda:InvokeFunction'],
      resources: [functions],
      conditions: { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'lambda:InvokedViaFunctionUrl': 'false' } },
      exempt: [own],
      samples: [{ resource: r.publisher }],
    },
    {
      // InvokeAsync (deprecated) is its own action on the function in the Service Authorization Reference, without
      // lambda:InvokedViaFunctionUrl: nobody but Goldsmith's roles invokes a Goldsmith function through it either.
      sid: 'FunctionsInvokedAsyncOnlyByGoldsmith',
      actions: ['lambda:InvokeAsync'],
      resources: [functions],
      conditions: { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
      exempt: [own],
      samples: [{ resource: r.function }],
    },
    {
      sid: 'FunctionsOnlyByTheDeployment',
      actions: [
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:PublishVersion',
        'lambda:CreateAlias',
        'lambda:UpdateAlias',
        'lambda:DeleteAlias',
        'lambda:DeleteFunction',
        'lambda:AddPermission',
        'lambda:RemovePermission',
        'lambda:CreateFunctionUrlConfig',
        'lambda:UpdateFunctionUrlConfig',
        'lambda:DeleteFunctionUrlConfig',
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:UpdateFunctionEventInvokeConfig',
        'lambda:PutFunctionConcurrency',
        // Undoing the functions' auditor's stop, pinning a runtime, a code-signing config that fails the next deploy.
        'lambda:DeleteFunctionConcurrency',
        'lambda:PutRuntimeManagementConfig',
        'lambda:PutFunctionCodeSigningConfig',
        'lambda:DeleteFunctionCodeSigningConfig',
        'lambda:DeleteFunctionEventInvokeConfig',
        'lambda:PutFunctionRecursionConfig',
        'lambda:PutProvisionedConcurrencyConfig',
        'lambda:DeleteProvisionedConcurrencyConfig',
      ],
      // SSTBootstrap's own functions too: their roles may write SST's bucket (SstBucketOnlyByTheDeployment).
      resources: [functions, 'arn:aws:lambda:*:*:function:SSTBootstrap-*'],
      // The functions' auditor stops a tampered function (its role may call PutFunctionConcurrency and nothing else
      // here); the deployer deploys SSTBootstrap with its own credentials.
      exempt: [cdk, fn(FUNCTIONS_AUDITOR), role(options.deployer)],
      samples: [{ resource: r.function }, { resource: `${r.function}:live` }],
    },
    {
      sid: 'EventSourcesOnlyByTheDeployment',
      actions: [
        'lambda:CreateEventSourceMapping',
        'lambda:UpdateEventSourceMapping',
        'lambda:DeleteEventSourceMapping',
      ],
      resources: ['*'],
      conditions: { ArnLike: { 'lambda:FunctionArn': functions } },
      exempt: [cdk],
      samples: [{ resource: '*', context: { 'lambda:FunctionArn': r.function } }],
    },
    {
      sid: 'RolesOnlyByTheDeployment',
      actions: [
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:UpdateRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:PutRolePolicy',
        'iam:DeleteRolePolicy',
        'iam:AttachRolePolicy',
        'iam:DetachRolePolicy',
        'iam:PutRolePermissionsBoundary',
        'iam:DeleteRolePermissionsBoundary',
      ],
      // The CDK execution role's name is an exemption everywhere: a role of that name made or changed by anyone but
      // the deployer (who bootstraps) would pass every statement.
      // The deployer's and the key rotator's roles are exempt elsewhere: their trust and policies are held here too.
      // So is the CDK file-publishing role's (AssetsOnlyByTheDeployment), and SST's bootstrap roles' (SstBucketOnlyByTheDeployment).
      resources: [
        ...goldsmithRoles,
        'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*',
        'arn:aws:iam::*:role/cdk-*-file-publishing-role-*',
        'arn:aws:iam::*:role/SSTBootstrap-*',
        role(options.deployer),
        role(options.keyRotator),
      ],
      exempt: [cdk, role(options.deployer)],
      samples: [
        { resource: r.role },
        { resource: `arn:aws:iam::${r.account}:role/goldsmith-${stage}-rollout-engine` },
        { resource: `arn:aws:iam::${r.account}:role/cdk-attacker-cfn-exec-role-1` },
        { resource: `arn:aws:iam::${r.account}:role/cdk-attacker-file-publishing-role-1` },
      ],
    },
    {
      sid: 'RolesPassedOnlyByGoldsmith',
      actions: ['iam:PassRole'],
      // The CDK execution role too: passed to a stack of one's own (ContinueUpdateRollback, RollbackStack keep it for the
      // stack's later operations), it would run that stack's templates as the role every statement exempts.
      resources: [...goldsmithRoles, 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'],
      exempt: [cdk, own, onFinding, role(options.deployer)],
      samples: [{ resource: r.role }],
    },
    {
      sid: 'GoldsmithTagsOnlyByGoldsmith',
      actions: ['iam:TagRole', 'iam:TagUser', 'sts:TagSession', 'ec2:CreateTags', 'ec2:DeleteTags'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['goldsmith:*'] } },
      exempt: [cdk, own],
      samples: [{ resource: r.ami, context: { 'aws:TagKeys': ['goldsmith:managed-by'] } }],
    },
    {
      sid: 'AmisOnlyByGoldsmith',
      actions: ['ec2:ModifyImageAttribute', 'ec2:DeleteTags'],
      resources: ['arn:aws:ec2:*::image/*'],
      conditions: { StringEquals: managed },
      exempt: [own, onFinding],
      samples: [{ resource: r.ami, context: managed }],
    },
    {
      sid: 'PointersOnlyByGoldsmith',
      actions: [...PARAMETER_WRITES, 'ssm:PutResourcePolicy', 'ssm:DeleteResourcePolicy'],
      resources: ['arn:aws:ssm:*:*:parameter/goldsmith/*'],
      exempt: [cdk, own, onFinding],
      samples: [{ resource: r.pointer }],
    },
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
    {
      sid: 'SubscriptionsOnlyByTheDeployment',
      actions: ['sns:Subscribe', 'sns:SetSubscriptionAttributes', 'sns:Unsubscribe'],
      resources: topics,
      exempt: [cdk, fn(DOORS_AUDITOR)],
      samples: topicSamples,
    },
    {
      sid: 'TopicsAndQueuesOnlyByTheDeployment',
      actions: ['sns:DeleteTopic', 'sns:PutDataProtectionPolicy', 'sqs:DeleteQueue'],
      resources: [...topics, `arn:aws:sqs:*:*:${P}*`],
      exempt: [cdk],
      samples: [...topicSamples, { resource: r.deadLetters }],
    },
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
    {
      sid: 'DeadLettersOnlyByGoldsmith',
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue'],
      resources: [`arn:aws:sqs:*:*:${P}*`],
      exempt: [cdk, own],
      samples: [{ resource: r.deadLetters }],
    },
    {
      sid: 'LedgerOnlyByTheDeployment',
      actions: ['dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:UpdateTimeToLive'],
      resources: [`arn:aws:dynamodb:*:*:table/goldsmith-${stage}-*`],
      exempt: [cdk],
      samples: [{ resource: r.ledger }],
    },
    {
      sid: 'SigningKeysOnlyByGoldsmith',
      actions: ['secretsmanager:GetSecretValue'],
      resources: keys,
      exempt: [own],
      samples: [{ resource: r.linkKey }, { resource: r.decisionKey }],
    },
    {
      sid: 'SigningKeysOnlyByTheDeployment',
      actions: [
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecret',
        'secretsmanager:UpdateSecretVersionStage',
        'secretsmanager:RotateSecret',
        'secretsmanager:CancelRotateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:RestoreSecret',
        'secretsmanager:PutResourcePolicy',
        'secretsmanager:DeleteResourcePolicy',
        'secretsmanager:ReplicateSecretToRegions',
        'secretsmanager:RemoveRegionsFromReplication',
        'secretsmanager:StopReplicationToReplica',
      ],
      resources: keys,
      exempt: [cdk, fn(OPERATOR), role(options.keyRotator)],
      samples: [{ resource: r.linkKey }, { resource: r.decisionKey }],
    },
    {
      // Share ARNs carry an id, not the name: matched by the ram:ResourceShareName condition key the four actions take.
      sid: 'PointerSharesOnlyByGoldsmith',
      actions: [
        'ram:AssociateResourceShare',
        'ram:DisassociateResourceShare',
        'ram:UpdateResourceShare',
        'ram:DeleteResourceShare',
      ],
      resources: ['arn:aws:ram:*:*:resource-share/*'],
      conditions: { StringLike: { 'ram:ResourceShareName': 'goldsmith-pointers-*' } },
      exempt: [cdk, own, onFinding],
      samples: [
        {
          resource: `arn:aws:ram:${region}:${r.account}:resource-share/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`,
          context: { 'ram:ResourceShareName': 'goldsmith-pointers-prod' },
        },
      ],
    },
    {
      sid: 'AlarmsOnlyByTheDeployment',
      actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
      resources: [`arn:aws:cloudwatch:*:*:alarm:${P}*`],
      exempt: [cdk],
      samples: [{ resource: r.alarm }],
    },
    ...deploymentStatementSpecs({
      stage,
      account,
      role,
      cdk,
      deployer: options.deployer,
      approvers: options.approvers ?? [],
      sampleAccount: r.account,
      region,
    }),
  ];
}

/** One statement as the policy document holds it. */
export function statementJson(s: ScpStatementSpec): Record<string, unknown> {
  const condition: Record<string, unknown> = { ...s.conditions };
  if (s.exempt.length > 0)
    condition.ArnNotLike = { 'aws:PrincipalArn': s.exempt.length === 1 ? s.exempt[0] : [...s.exempt] };
  return {
    Sid: s.sid,
    Effect: 'Deny',
    Action: s.actions.length === 1 ? s.actions[0] : [...s.actions],
    ...(s.resources ? { Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources] } : {}),
    ...(s.notResources ? { NotResource: [...s.notResources] } : {}),
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}
