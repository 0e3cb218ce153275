/**
 * The operations of the grant a member account gives its EC2 Auto Scaling service-linked role on the factory's AMI
 * key: Auto Scaling's role has no access to another account's customer managed key of its own, and the grant must be
 * created from the account that owns the Auto Scaling group. The list is AWS's example 2
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html). The key
 * policy allows exactly these (stacks/factory/key.ts), and the local KMS checks grants against them.
 */
export const AUTO_SCALING_GRANT_OPERATIONS: readonly string[] = [
  'Encrypt',
  'Decrypt',
  'ReEncryptFrom',
  'ReEncryptTo',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'DescribeKey',
  'CreateGrant',
];

/** The grant's name: CreateGrant with the same name, grantee and operations returns the existing grant. */
export const AUTO_SCALING_GRANT_NAME = 'goldsmith-auto-scaling';

/** EC2 Auto Scaling's service principal, the `AWSServiceName` of its service-linked role. */
export const AUTO_SCALING_SERVICE = 'autoscaling.amazonaws.com';

/** Where IAM puts Auto Scaling's service-linked roles (`role/<path><name>`). */
export const AUTO_SCALING_SERVICE_ROLE_PATH = 'aws-service-role/autoscaling.amazonaws.com/';
