import { rolloutRoleResource } from '../../core/rollout/member-role.js';
import {
  AUTO_SCALING_GRANT_OPERATIONS,
  AUTO_SCALING_SERVICE,
  AUTO_SCALING_SERVICE_ROLE_PATH,
} from '../../core/sharing/key-grants.js';
import { rolloutEngineRoleName, rolloutRoleName as rolloutRoleNameOf } from '../names.js';

/**
 * The template every member account runs in each AMI Region, through the member baseline StackSet. Hand-built: a
 * service-managed StackSet refuses templates with transforms or macros
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html), and each
 * (account, Region) instance stands alone — auto-deployment follows no Region order
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html) — so every
 * instance creates the service-linked role if need be, then its own Region's grant. No resource has a fixed name,
 * the rollout role included (named after its stack's id): an account moving between targeted OUs gets a delete of its
 * old instance and a create of its new one (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html,
 * "How automatic deployments work"), which users see run at once, the create before the delete has finished
 * (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/2426).
 */

type Json = Record<string, unknown>;

const sub = (s: string) => ({ 'Fn::Sub': s });

/** The account's Auto Scaling service-linked role (the default one, no suffix). */
const ROLE_ARN = `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${AUTO_SCALING_SERVICE_ROLE_PATH}AWSServiceRoleForAutoScaling`;
/** The factory's AMI key in this instance's Region: a multi-Region key keeps its key id in every replica. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables
const KEY_ARN = 'arn:${AWS::Partition}:kms:${AWS::Region}:${FactoryAccount}:key/${AmiKeyId}';

/** The member function's role: exactly the calls member/auto-scaling-grant.ts makes, and its own log group. */
export function memberFunctionPolicy(): Json {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CreateAutoScalingServiceLinkedRole',
        Effect: 'Allow',
        Action: 'iam:CreateServiceLinkedRole',
        // Only the default role the function creates, not the custom-suffix ones
        // (https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html);
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html#service-linked-role-permissions
        Resource: sub(ROLE_ARN),
        Condition: { StringEquals: { 'iam:AWSServiceName': AUTO_SCALING_SERVICE } },
      },
      {
        Sid: 'GrantTheAutoScalingRoleOnTheAmiKey',
        Effect: 'Allow',
        Action: 'kms:CreateGrant',
        Resource: sub(KEY_ARN),
        Condition: {
          StringEquals: { 'kms:GranteePrincipal': sub(ROLE_ARN) },
          'ForAllValues:StringEquals': { 'kms:GrantOperations': [...AUTO_SCALING_GRANT_OPERATIONS] },
        },
      },
      // The account that created a grant may retire it
      // (https://docs.aws.amazon.com/kms/latest/APIReference/API_RetireGrant.html).
      { Sid: 'RetireThatGrant', Effect: 'Allow', Action: 'kms:RetireGrant', Resource: sub(KEY_ARN) },
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // The log group's Arn attribute ends in `:*`, covering its streams (as stacks/function-logs.ts grants).
        Resource: { 'Fn::GetAtt': ['Logs', 'Arn'] },
      },
    ],
  };
}

/** The rollout role's settings, when a channel rolls out: the stage, the organization, the Region it is made in. */
export interface RolloutRoleSettings {
  stage: string;
  organizationId: string;
  /** One of the StackSet's Regions: IAM roles are global, so one instance per account declares it. */
  region: string;
  /** The `goldsmith:follow` values the role may act on (core/rollout/member-role.ts `rolloutFollows`). */
  follows: readonly string[];
}

/** The parameter the StackSet sets to `true`: its instances name the rollout role after their stack id. */
export const ROLLOUT_ROLE_PER_STACK_PARAMETER = 'RolloutRolePerStack';

/**
 * The rollout role's name: per stack instance (`goldsmith-<stage>-rollout-<first 8 hex of the stack id's UUID>`,
 * core/names.ts `rolloutRoleNameOfStack`) when the StackSet deploys the template, so an account's new instance after
 * an OU move or a re-join creates its role beside the old instance's instead of failing on its name; the plain
 * `goldsmith-<stage>-rollout` when a team deploys the template as a stack of its own, which StackSets never moves.
 */
function rolloutRoleName(stage: string): Json {
  const fixed = rolloutRoleNameOf(stage);
  const stackUuid = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };
  const perStack = { 'Fn::Join': ['-', [fixed, { 'Fn::Select': [0, { 'Fn::Split': ['-', stackUuid] }] }]] };
  return { 'Fn::If': ['RolloutRolePerStack', perStack, fixed] };
}

/** The member template, with the function's bundled `code` inline, and the rollout role when `rollout` is given. */
export function memberBaselineTemplate(code: string, rollout?: RolloutRoleSettings): Json {
  const template = baseTemplate(code);
  if (!rollout) return template;
  const engine = sub(`arn:\${AWS::Partition}:iam::\${FactoryAccount}:role/${rolloutEngineRoleName(rollout.stage)}`);
  const role = rolloutRoleResource(rollout.stage, rollout.organizationId, engine, rollout.follows);
  return {
    ...template,
    Parameters: {
      ...(template.Parameters as Json),
      [ROLLOUT_ROLE_PER_STACK_PARAMETER]: {
        Type: 'String',
        AllowedValues: ['true', 'false'],
        Default: 'false',
        Description: 'true in the StackSet: the rollout role is named after the stack id',
      },
    },
    Conditions: {
      RolloutRoleRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, rollout.region] },
      RolloutRolePerStack: { 'Fn::Equals': [{ Ref: ROLLOUT_ROLE_PER_STACK_PARAMETER }, 'true'] },
    },
    Resources: {
      ...(template.Resources as Json),
      RolloutRole: {
        ...role,
        Properties: { ...(role['Properties'] as Json), RoleName: rolloutRoleName(rollout.stage) },
      },
    },
  };
}

function baseTemplate(code: string): Json {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Goldsmith member baseline: EC2 Auto Scaling can launch the golden images encrypted with the AMI key',
    Parameters: {
      AmiKeyId: { Type: 'String', Description: 'The AMI key id (a multi-Region key: the same in every Region)' },
      FactoryAccount: { Type: 'String', Description: 'The account that owns the AMI key' },
    },
    Resources: {
      Logs: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 90 },
        DeletionPolicy: 'Delete',
      },
      GrantFunctionRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          Policies: [{ PolicyName: 'auto-scaling-key-grant', PolicyDocument: memberFunctionPolicy() }],
        },
      },
      GrantFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Description: 'Goldsmith: gives EC2 Auto Scaling’s role its grant on the AMI key (retired on delete)',
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Role: { 'Fn::GetAtt': ['GrantFunctionRole', 'Arn'] },
          // Up to ~2 minutes of retries for IAM, 5 minutes for the grant to be in force, 10 s to answer.
          Timeout: 600,
          MemorySize: 128,
          LoggingConfig: { LogGroup: { Ref: 'Logs' } },
          Code: { ZipFile: code },
        },
      },
      AutoScalingKeyGrant: {
        Type: 'Custom::AutoScalingKeyGrant',
        Properties: {
          // In the stack's own Region, as a service token must be; an unanswered request fails after 15 minutes
          // rather than the default hour (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cfn-customresource.html).
          ServiceToken: { 'Fn::GetAtt': ['GrantFunction', 'Arn'] },
          ServiceTimeout: 900,
          KeyArn: sub(KEY_ARN),
          AutoScalingRoleArn: sub(ROLE_ARN),
          // The factory's account may retire the grant too: an account that left cannot delete its stack.
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables
          RetiringPrincipal: sub('arn:${AWS::Partition}:iam::${FactoryAccount}:root'),
        },
      },
    },
    Outputs: {
      GrantId: { Value: { 'Fn::GetAtt': ['AutoScalingKeyGrant', 'GrantId'] } },
    },
  };
}
