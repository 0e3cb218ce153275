import type { Catalog } from '../config/schema.js';
import { ROLLOUT_TAG, rolloutRoleName, rolloutTagValue } from '../names.js';

/**
 * The member accounts' rollout role (`goldsmith-<stage>-rollout`): what the factory's rollout engine does in a member
 * account, and nothing more. Exported for the member baseline's template and for the local cloud, which gives member
 * accounts the same documents. Values may be CloudFormation expressions (`Fn::Sub`) or plain strings.
 */

type Json = Record<string, unknown>;
type Value = string | Json;

/**
 * Only groups and templates that opted in to one of the catalog's rollouts: `goldsmith:follow` equal to one of the
 * `<image>/<channel>` values the catalog rolls out (known at synthesis), not any value
 * (`autoscaling:ResourceTag/<key>`, `ec2:ResourceTag/<key>`:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2autoscaling.html,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
 */
const FOLLOWS = (prefix: 'autoscaling' | 'ec2', follows: readonly string[]) => ({
  StringEquals: { [`${prefix}:ResourceTag/${ROLLOUT_TAG}`]: [...follows] },
});

/**
 * The `goldsmith:follow` values the catalog rolls out, sorted: `<image>/<channel>` for every AMI image and each of
 * its channels that has a rollout (a container image has no Auto Scaling group).
 */
export function rolloutFollows(catalog: Pick<Catalog, 'images' | 'channels'>): string[] {
  const rolling = new Set(catalog.channels.filter((c) => c.rollout !== undefined).map((c) => c.name));
  return Object.entries(catalog.images)
    .filter(([, image]) => image.kind === 'ami')
    .flatMap(([name, image]) =>
      (image.channels ?? catalog.channels.map((c) => c.name))
        .filter((c) => rolling.has(c))
        .map((c) => rolloutTagValue(name, c)),
    )
    .sort();
}

/** Any launch template of the account: RunInstances names one as a resource when it launches through it. */
const LAUNCH_TEMPLATES = 'arn:aws:ec2:*:*:launch-template/*';

/**
 * The path an instance profile's role must have for a following group's refresh to pass it to EC2: the role may
 * pass no other (docs/rollout.md). A path, not a name prefix, so teams keep their naming.
 */
export const FOLLOWING_ROLE_PATH = '/goldsmith-follow/';

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
 * The permissions, for the catalog's `follows` values: Describe* on `*` (they take no resource: "do not support
 * resource-level permissions", https://docs.aws.amazon.com/autoscaling/ec2/userguide/control-access-using-iam.html);
 * refresh actions on groups tagged with one of the values; new versions of templates tagged with one of them; and
 * what a refresh that launches a new template version needs of its caller
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-launch-template-permissions.html):
 * RunInstances only through a launch template (`ec2:LaunchTemplate`), and on the template resource only one tagged
 * with a value ("you can specify that users can only use launch templates with a specific tag",
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/permissions-for-launch-templates.html); CreateTags on launch;
 * and passing to EC2 only roles under {@link FOLLOWING_ROLE_PATH} (`iam:PassedToService`,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
 */
export function rolloutRolePolicy(follows: readonly string[]): Json {
  if (follows.length === 0) throw new Error('the rollout role needs at least one image/channel value to follow');
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
        // A finished wave's alarms (the catalog's names). DescribeAlarms has no resource-level scoping that covers
        // every alarm kind: composite alarms are returned only with the permission "scoped to *"
        // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html,
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
        Sid: 'ReadAlarms',
        Effect: 'Allow',
        Action: 'cloudwatch:DescribeAlarms',
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
        Condition: FOLLOWS('autoscaling', follows),
      },
      {
        Sid: 'VersionFollowingTemplates',
        Effect: 'Allow',
        Action: 'ec2:CreateLaunchTemplateVersion',
        Resource: '*',
        Condition: FOLLOWS('ec2', follows),
      },
      {
        Sid: 'LaunchFromFollowingTemplates',
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: LAUNCH_TEMPLATES,
        Condition: FOLLOWS('ec2', follows),
      },
      {
        Sid: 'LaunchOnlyThroughATemplate',
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        NotResource: LAUNCH_TEMPLATES,
        Condition: { ArnLike: { 'ec2:LaunchTemplate': LAUNCH_TEMPLATES } },
      },
      {
        Sid: 'TagOnLaunch',
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
      },
      {
        Sid: 'PassTheFollowingInstanceRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `arn:aws:iam::*:role${FOLLOWING_ROLE_PATH}*`,
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      },
    ],
  };
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables
const FACTORY_ROOT = 'arn:${AWS::Partition}:iam::${FactoryAccount}:root';

/**
 * The role as the member baseline's template declares it: one per account, in `region` only (IAM is global), for
 * the catalog's `follows` values.
 */
export function rolloutRoleResource(
  stage: string,
  organizationId: string,
  factoryRoleArn: Value,
  follows: readonly string[],
): Json {
  return {
    Type: 'AWS::IAM::Role',
    Condition: 'RolloutRoleRegion',
    Properties: {
      RoleName: rolloutRoleName(stage),
      Description: 'Goldsmith: refreshes the Auto Scaling groups that follow a channel (tag goldsmith:follow)',
      AssumeRolePolicyDocument: rolloutTrustPolicy({ 'Fn::Sub': FACTORY_ROOT }, factoryRoleArn, organizationId),
      Policies: [{ PolicyName: 'rollout', PolicyDocument: rolloutRolePolicy(follows) }],
    },
  };
}
