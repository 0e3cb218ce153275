import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { sdkCallsRole } from '../sdk-calls-role.js';

/** The ARN of `key`'s replica in `region`: related multi-region keys share one key id. */
export function replicaKeyArn(scope: Construct, key: kms.Key, region: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:kms:${region}:${stack.account}:key/${key.keyId}`;
}

/**
 * Replicas of the AMI key in the other distribution regions, with the primary's key policy. SST v2 pins every
 * stack to the app's region, and AWS::KMS::ReplicaKey must be deployed in the replica's region, so the replica is
 * made by KMS ReplicateKey (called in the primary's region) and its policy kept in step with PutKeyPolicy.
 * Replicas are retained like the primary: AMIs encrypted with them must stay launchable.
 */
export function createKeyReplicas(
  scope: Construct,
  key: kms.Key,
  keyPolicy: iam.PolicyDocument,
  regions: string[],
): AwsCustomResource[] {
  if (regions.length === 0) return [];
  const stack = Stack.of(scope);
  const group = new Construct(scope, 'AmiKeyReplicas');
  const policy = stack.toJsonString(keyPolicy);
  const replicaArns = regions.map((region) => replicaKeyArn(scope, key, region));
  // Once for every Region's replica (stacks/sdk-calls-role.ts).
  const { role, permissions } = sdkCallsRole(scope, [
    new iam.PolicyStatement({ actions: ['kms:ReplicateKey'], resources: [key.keyArn] }),
    // CreateKey has no resource type: IAM only accepts it on "*"; ReplicateKey needs it in the replica region.
    new iam.PolicyStatement({ actions: ['kms:CreateKey'], resources: ['*'] }),
    new iam.PolicyStatement({ actions: ['kms:PutKeyPolicy', 'kms:TagResource'], resources: replicaArns }),
  ]);
  return regions.map((region) => {
    const replica = new AwsCustomResource(group, region, {
      resourceType: 'Custom::GoldsmithKeyReplica',
      installLatestAwsSdk: false,
      role,
      onCreate: {
        service: 'KMS',
        action: 'ReplicateKey',
        region: stack.region,
        parameters: {
          KeyId: key.keyId,
          ReplicaRegion: region,
          Policy: policy,
          Description: 'Goldsmith: encrypts golden AMIs (replica)',
        },
        physicalResourceId: PhysicalResourceId.of(`${region}`),
      },
      onUpdate: {
        service: 'KMS',
        action: 'PutKeyPolicy',
        region,
        parameters: { KeyId: key.keyId, PolicyName: 'default', Policy: policy },
        physicalResourceId: PhysicalResourceId.of(`${region}`),
      },
    });
    // After the provider's permissions (its role and its policy).
    replica.node.addDependency(permissions);
    return replica;
  });
}
