import { ROLLOUT_TAG, rolloutRoleName } from '../names.js';

/**
 * The member accounts' rollout role (`goldsmith-<stage>-rollout`): what the factory's rollout engine does in a member
 * account, and nothing more. Exported for the member baseline's template and for the local cloud, which gives member
 * accounts the same documents. Values may be CloudFormation expressions (`Fn::Sub`) or plain strings.
 */

type Json = Record<string, unknown>;
type Value = string | Json;

/** Only groups and templates that opted in (`goldsmith:follow` = `<image>/<channel>`). */
const FOLLOWS = (prefix: 'autoscaling' | 'ec2') => ({
  StringLike: { [`${prefix}:ResourceTag/${ROLLOUT_TAG}`]: '*/*' },
});

/**
 * The trust policy: the factory account's rollout engine role (`aws:PrincipalArn`), from inside the organization
 * (`aws:PrincipalOrgID`): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html.
 */
export function rolloutTrustPolicy(factoryAccount: Value, factoryRoleArn: Value, organizationId: string): Json {
  const root = typeof factoryAccount === 'string' ? `arn:aws:iam::${factoryAccount}:root` : factoryAccount;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: root },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': factoryRoleArn },
          StringEquals: { 'aws:PrincipalOrgID': organizationId },
        },
      },
    ],
  };
}

/**
 * The permissions: Describe* on `*` (they take no resource: "do not support resource-level permissions",
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/control-access-using-iam.html); refresh actions on tagged groups
 * (`autoscaling:ResourceTag/<key>`), new versions of tagged templates (`ec2:ResourceTag/<key>`), and what a refresh
 * that launches a new template version needs of its caller: RunInstances, CreateTags on launch, and passing the
 * instance profile's role to EC2 (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-launch-template-permissions.html).
 */
export function rolloutRolePolicy(): Json {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Read',
        Effect: 'Allow',
        Action: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeInstanceRefreshes',
          'ec2:DescribeLaunchTemplates',
          'ec2:DescribeLaunchTemplateVersions',
        ],
        Resource: '*',
      },
      {
        Sid: 'RefreshFollowingGroups',
        Effect: 'Allow',
        Action: [
          'autoscaling:StartInstanceRefresh',
          'autoscaling:CancelInstanceRefresh',
          'autoscaling:RollbackInstanceRefresh',
        ],
        Resource: '*',
        Condition: FOLLOWS('autoscaling'),
      },
      {
        Sid: 'VersionFollowingTemplates',
        Effect: 'Allow',
        Action: 'ec2:CreateLaunchTemplateVersion',
        Resource: '*',
        Condition: FOLLOWS('ec2'),
      },
      { Sid: 'LaunchWithTheNewVersion', Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' },
      {
        Sid: 'TagOnLaunch',
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
      },
      {
        Sid: 'PassTheInstanceProfileRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: '*',
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      },
    ],
  };
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables
const FACTORY_ROOT = 'arn:${AWS::Partition}:iam::${FactoryAccount}:root';

/** The role as the member baseline's template declares it: one per account, in `region` only (IAM is global). */
export function rolloutRoleResource(stage: string, organizationId: string, factoryRoleArn: Value): Json {
  return {
    Type: 'AWS::IAM::Role',
    Condition: 'RolloutRoleRegion',
    Properties: {
      RoleName: rolloutRoleName(stage),
      Description: 'Goldsmith: refreshes the Auto Scaling groups that follow a channel (tag goldsmith:follow)',
      AssumeRolePolicyDocument: rolloutTrustPolicy({ 'Fn::Sub': FACTORY_ROOT }, factoryRoleArn, organizationId),
      Policies: [{ PolicyName: 'rollout', PolicyDocument: rolloutRolePolicy() }],
    },
  };
}
