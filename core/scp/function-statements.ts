/**
 * The service control policy's statements about Goldsmith's functions and roles (pure): who invokes and changes the
 * functions and their event sources, who makes, changes and passes the roles, who tags with Goldsmith's tags. Part of
 * the policy core/scp/statements.ts writes.
 */
import type { StatementContext } from './context.js';
import { FUNCTIONS_AUDITOR } from './roles.js';
import type { ScpStatementSpec } from './spec.js';

/** Who invokes and changes Goldsmith's functions and roles. */
export function functionStatements(c: StatementContext): ScpStatementSpec[] {
  const { options, stage, r, role, cdk, own, onFinding, fn, functions, goldsmithRoles } = c;
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
        { resource: `arn:aws:iam::${r.account}:role/team/${stage}-goldsmith-Promotion-Lookalike` },
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
  ];
}
