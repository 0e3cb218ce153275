import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { amiKeyAliasName } from '../names.js';

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
}

export interface AmiKey {
  key: kms.Key;
  aliasName: string;
  /** The key to encrypt AMIs with in `region`: the key itself at home, the same-named alias elsewhere. */
  keyIdFor(region: string): string;
}

/**
 * The customer-managed key AMIs are encrypted with. Consumers in the organization launch from shared AMIs, which
 * needs exactly the actions AWS lists for sharing encrypted snapshots; grants only on behalf of AWS services.
 * Multi-region so that replicas in the other distribution regions share its key material.
 */
export function createAmiKey(scope: Construct, props: AmiKeyProps): AmiKey {
  const stack = Stack.of(scope);
  const aliasName = amiKeyAliasName(props.stage);
  const key = new kms.Key(scope, 'AmiKey', {
    description: 'Goldsmith: encrypts golden AMIs; usable by the organization to launch shared images',
    enableKeyRotation: true,
    multiRegion: true,
    alias: aliasName,
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const org = { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } };
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OrganizationUsesSharedAmis',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: org,
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OrganizationGrantsForAwsServices',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { ...org, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
  const viaEc2 = { 'kms:ViaService': props.regions.map((region) => `ec2.${region}.amazonaws.com`) };
  const serviceRole = new iam.ArnPrincipal(imageBuilderServiceRoleArn(scope));
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'ImageBuilderEncryptsAmis',
      principals: [serviceRole],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: viaEc2 },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'ImageBuilderGrantsForEc2',
      principals: [serviceRole],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { StringEquals: viaEc2, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
  return {
    key,
    aliasName,
    keyIdFor(region) {
      if (region === stack.region) return key.keyArn;
      return `arn:${stack.partition}:kms:${region}:${stack.account}:${aliasName}`;
    },
  };
}

/** A small key for the Image Builder notification topic: only this account and Image Builder's role use it. */
export function createTopicKey(scope: Construct): kms.Key {
  const key = new kms.Key(scope, 'NotificationsKey', {
    description: 'Goldsmith: encrypts the Image Builder notification topic',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
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
