import type { PolicyDocument } from '../trust/policies.js';

/**
 * The member account's rollout role as the rollout contract defines it (`goldsmith-<stage>-rollout`): trusted by the
 * factory's rollout function role within the organization, allowed to read every group, refresh and template, and to
 * act only on groups and templates that carry the opt-in tag. The local cloud gives this role to member accounts until
 * the member baseline's template defines it; then the fake should take the template's documents instead.
 */

export const ROLLOUT_TAG_CONDITION = { StringLike: { 'autoscaling:ResourceTag/goldsmith:follow': '*/*' } };

/** `arn:aws:iam::<account>:role/goldsmith-<stage>-rollout`. */
export function rolloutRoleArn(account: string, stage: string): string {
  return `arn:aws:iam::${account}:role/goldsmith-${stage}-rollout`;
}

/** The trust policy: the factory's rollout function role (or roles), from inside the organization. */
export function rolloutTrustPolicy(factoryRoleArn: string | readonly string[], organizationId: string): PolicyDocument {
  const arns = typeof factoryRoleArn === 'string' ? [factoryRoleArn] : [...factoryRoleArn];
  const factoryAccount = arns[0]?.split(':')[4] ?? '';
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${factoryAccount}:root` },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': organizationId },
          ArnEquals: { 'aws:PrincipalArn': arns },
        },
      },
    ],
  };
}

/** The permissions: Describe* on `*`, the refresh actions and new template versions only on tagged resources. */
export function rolloutPermissions(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeInstanceRefreshes',
          'ec2:DescribeLaunchTemplateVersions',
          'ec2:DescribeLaunchTemplates',
        ],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: [
          'autoscaling:StartInstanceRefresh',
          'autoscaling:CancelInstanceRefresh',
          'autoscaling:RollbackInstanceRefresh',
        ],
        Resource: '*',
        Condition: ROLLOUT_TAG_CONDITION,
      },
      {
        Effect: 'Allow',
        Action: 'ec2:CreateLaunchTemplateVersion',
        Resource: '*',
        Condition: { StringLike: { 'ec2:ResourceTag/goldsmith:follow': '*/*' } },
      },
      { Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:CreateTags'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: '*',
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      },
    ],
  };
}
