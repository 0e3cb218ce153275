import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct, IDependable } from 'constructs';
import { orgPathPattern } from '../../core/promotion/consumer-access.js';
import { AUTO_SCALING_GRANT_OPERATIONS, type KeyGrantees } from '../../core/sharing/key-grants.js';
import { amiKeyAliasName } from '../names.js';
import { createKeyReplicas, replicaKeyArn } from './replicas.js';

/** The service-linked role Image Builder distributes (copies, encrypts) AMIs and publishes notifications with. */
export function imageBuilderServiceRoleArn(scope: Construct): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder`;
}

export interface AmiKeyProps {
  organizationId: string;
  /** Every region any image is distributed to; the service role may use the key only through EC2 there. */
  regions: string[];
  stage: string;
  /**
   * Who may grant the key to their own Auto Scaling role: the targeted OUs (by `aws:PrincipalOrgPaths`) and named
   * accounts; absent, the whole organization (core/sharing/key-grants.ts, autoScalingGrantees).
   */
  grantees?: KeyGrantees | undefined;
}

export interface AmiKey {
  key: kms.Key;
  aliasName: string;
  /** The key to encrypt AMIs with in `region`: the key itself at home, its replica elsewhere. */
  keyIdFor(region: string): string;
  /** What a distribution must wait for: the replicas in the other regions. */
  dependsOn: IDependable[];
}

/**
 * The customer-managed key AMIs are encrypted with. Consumers in the organization launch from shared AMIs, which
 * needs exactly the actions AWS lists for sharing encrypted snapshots; grants only on behalf of AWS services.
 * Multi-region, with a replica in every other distribution region: an AMI copy there is encrypted with it.
 */
export function createAmiKey(scope: Construct, props: AmiKeyProps): AmiKey {
  const stack = Stack.of(scope);
  const aliasName = amiKeyAliasName(props.stage);
  // One document for the primary and its replicas, so every region grants exactly the same.
  const policy = amiKeyPolicy(scope, props);
  const key = new kms.Key(scope, 'AmiKey', {
    description: 'Goldsmith: encrypts golden AMIs; usable by the organization to launch shared images',
    enableKeyRotation: true,
    multiRegion: true,
    alias: aliasName,
    policy,
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const replicas = createKeyReplicas(
    scope,
    key,
    policy,
    props.regions.filter((region) => region !== stack.region),
  );
  return {
    key,
    aliasName,
    keyIdFor: (region) => (region === stack.region ? key.keyArn : replicaKeyArn(scope, key, region)),
    dependsOn: replicas,
  };
}

/**
 * The service-linked role EC2 Auto Scaling launches with, in the calling member account (any name suffix). The
 * partition is written out: in `StringLike` a `*` matches `:` and `/` too, so a leading `arn:*:` would match a role of
 * another account whose path spells this one's (`arn:aws:iam::<other>:role/x:iam::<member>:role/aws-service-role/…`).
 */
const AUTO_SCALING_ROLE_OF_CALLER = (partition: string) =>
  // `${aws:PrincipalAccount}` is an IAM policy variable (escaped here), resolved by KMS per request
  `arn:${partition}:iam::\${aws:PrincipalAccount}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*`;

/**
 * The AMI key policy. Members of the organization (every principal whose account is in it, `aws:PrincipalOrgID`)
 * launch from shared AMIs: the actions EBS lists for users of a shared key
 * (https://docs.aws.amazon.com/ebs/latest/userguide/share-kms-key.html), only through EC2 in the distribution
 * Regions (`kms:ViaService`), grants only for AWS resources (`kms:GrantIsForAWSResource`), never a direct Decrypt.
 * EC2 Auto Scaling's service-linked role has no permissions on customer managed keys, so a member account gives it
 * a grant once per Region, from its own account
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html): the key
 * allows exactly that grant — to the caller's own Auto Scaling role, with the documented operations. Image
 * Builder's role encrypts the distributed copies, only through EC2 in the distribution Regions.
 */
export function amiKeyPolicy(scope: Construct, props: AmiKeyProps): iam.PolicyDocument {
  const org = { 'aws:PrincipalOrgID': props.organizationId };
  const viaEc2 = { 'kms:ViaService': props.regions.map((region) => `ec2.${region}.amazonaws.com`) };
  const serviceRole = new iam.ArnPrincipal(imageBuilderServiceRoleArn(scope));
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AccountAdministers',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:*'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'OrganizationUsesSharedAmis',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        resources: ['*'],
        // Only through EC2 (launching, copying) in the distribution Regions, never a direct Decrypt by a member:
        // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
        conditions: { StringEquals: { ...org, ...viaEc2 } },
      }),
      new iam.PolicyStatement({
        sid: 'OrganizationGrantsForAwsServices',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { StringEquals: { ...org, ...viaEc2 }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
      ...autoScalingGrantStatements(props),
      new iam.PolicyStatement({
        sid: 'ImageBuilderEncryptsAmis',
        principals: [serviceRole],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: viaEc2 },
      }),
      new iam.PolicyStatement({
        sid: 'ImageBuilderGrantsForEc2',
        principals: [serviceRole],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { StringEquals: viaEc2, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    ],
  });
}

/**
 * The statements that let a member account grant the key to its own Auto Scaling role, with the documented operations
 * only. With `grantees`, only accounts under a targeted OU (`ForAnyValue:StringLike` on `aws:PrincipalOrgPaths`, one
 * pattern per OU, nested OUs included:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths)
 * or named by a channel (`aws:PrincipalAccount`) may: an account moved out of every targeted OU cannot create the
 * grant again once the baseline retired it. Each pattern is about 35 bytes, so the key policy's 32 KB
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html) holds several hundred OUs whatever the
 * number of accounts under them.
 */
function autoScalingGrantStatements(props: AmiKeyProps): iam.PolicyStatement[] {
  const org = { 'aws:PrincipalOrgID': props.organizationId };
  const grant = (sid: string, conditions: Record<string, Record<string, unknown>>) =>
    new iam.PolicyStatement({
      sid,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        ...conditions,
        // A policy variable: the grantee must be the calling account's own Auto Scaling role.
        StringLike: { 'kms:GranteePrincipal': AUTO_SCALING_ROLE_OF_CALLER(Aws.PARTITION) },
        'ForAllValues:StringEquals': { 'kms:GrantOperations': AUTO_SCALING_GRANT_OPERATIONS },
      },
    });
  const { grantees } = props;
  if (!grantees) return [grant('MembersGrantTheirAutoScalingRole', { StringEquals: org })];
  const statements: iam.PolicyStatement[] = [];
  if (grantees.ous.length > 0) {
    const paths = grantees.ous.map((ou) => orgPathPattern(props.organizationId, ou));
    statements.push(
      grant('MembersGrantTheirAutoScalingRole', {
        StringEquals: org,
        'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': paths },
      }),
    );
  }
  if (grantees.accounts.length > 0) {
    statements.push(
      grant('NamedAccountsGrantTheirAutoScalingRole', {
        StringEquals: { ...org, 'aws:PrincipalAccount': grantees.accounts },
      }),
    );
  }
  return statements;
}

/** A small key for the Image Builder notification topic: only this account and Image Builder's role use it. */
export function createTopicKey(scope: Construct): kms.Key {
  const key = new kms.Key(scope, 'NotificationsKey', {
    description: 'Goldsmith: encrypts the Image Builder notification topic',
    enableKeyRotation: true,
    // Kept like every key: a deploy or a stack removal never deletes a key that may have encrypted something.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'ImageBuilderPublishes',
      principals: [new iam.ArnPrincipal(imageBuilderServiceRoleArn(scope))],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
    }),
  );
  return key;
}
