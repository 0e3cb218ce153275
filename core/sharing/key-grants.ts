import type { Catalog } from '../config/schema.js';

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

/**
 * The grant's name for one stack instance: the base name and the stack's own id (the UUID that ends its StackId), so a
 * retried Create of the same stack gets its grant back, while two stacks in one account and Region (an account moved
 * between two targeted OUs gets its new stack instance before the old one is deleted) hold a grant each, and the old
 * stack's Delete retires only its own. Grant names are 1–256 of `[a-zA-Z0-9:/_-]`
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html).
 */
export function autoScalingGrantName(stackId: string): string {
  const own = (stackId.split('/').at(-1) ?? '').replace(/[^a-zA-Z0-9:/_-]/g, '').slice(0, 200);
  return own ? `${AUTO_SCALING_GRANT_NAME}-${own}` : AUTO_SCALING_GRANT_NAME;
}

/** EC2 Auto Scaling's service principal, the `AWSServiceName` of its service-linked role. */
export const AUTO_SCALING_SERVICE = 'autoscaling.amazonaws.com';

/** Where IAM puts Auto Scaling's service-linked roles (`role/<path><name>`). */
export const AUTO_SCALING_SERVICE_ROLE_PATH = 'aws-service-role/autoscaling.amazonaws.com/';

/**
 * Who may give their Auto Scaling role the AMI key's grant (stacks/factory/key.ts): the accounts under the OUs any
 * channel targets (by organization path) and the accounts a channel names. Undefined: the whole organization, when a
 * channel targets the organization or selects accounts by tag (neither can be written in the key policy by path).
 */
export interface KeyGrantees {
  ous: string[];
  accounts: string[];
}

export function autoScalingGrantees(catalog: Pick<Catalog, 'channels'>): KeyGrantees | undefined {
  const ous = new Set<string>();
  const accounts = new Set<string>();
  for (const { targets } of catalog.channels) {
    if (targets.organization || Object.keys(targets.accountTags).length > 0) return undefined;
    for (const ou of targets.ous) ous.add(ou);
    for (const account of targets.accounts) accounts.add(account);
  }
  return { ous: [...ous].sort(), accounts: [...accounts].sort() };
}
