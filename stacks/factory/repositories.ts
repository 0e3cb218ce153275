import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { channelTagMutability } from '../../core/promotion/repository-guard.js';
import { sdkCallsRole } from '../sdk-calls-role.js';

/**
 * The container image's ECR repository in each other distribution region, where Image Builder copies the image.
 * SST v2 pins every stack to the app's region, so ECR CreateRepository is called in each region directly; an
 * existing repository is accepted (idempotent) and kept on removal, like the home one, since images live in it. Its
 * tags are immutable but the channels' (set again by PutImageTagMutability when the channels change).
 */
export function createRegionalRepositories(
  scope: Construct,
  image: string,
  repositoryName: string,
  regions: string[],
  channels: readonly string[],
): AwsCustomResource[] {
  if (regions.length === 0) return [];
  const stack = Stack.of(scope);
  const tags = channelTagMutability(channels);
  // As the home Region's (stacks/factory/recipes.ts): only the channels' tags move.
  const mutability = {
    imageTagMutability: tags.mutability,
    ...(tags.filters.length > 0
      ? { imageTagMutabilityExclusionFilters: tags.filters.map((filter) => ({ filter, filterType: 'WILDCARD' })) }
      : {}),
  };
  const group = new Construct(scope, `${image}Repositories`);
  // Once for every Region's repository (stacks/sdk-calls-role.ts).
  const { role, permissions } = sdkCallsRole(scope, [
    new iam.PolicyStatement({
      actions: ['ecr:CreateRepository', 'ecr:PutImageTagMutability'],
      resources: regions.map(
        (region) => `arn:${stack.partition}:ecr:${region}:${stack.account}:repository/${repositoryName}`,
      ),
    }),
  ]);
  return regions.map((region) => {
    const repository = new AwsCustomResource(group, region, {
      resourceType: 'Custom::GoldsmithRepository',
      installLatestAwsSdk: false,
      role,
      onCreate: {
        service: 'ECR',
        action: 'CreateRepository',
        region,
        parameters: {
          repositoryName,
          ...mutability,
          encryptionConfiguration: { encryptionType: 'KMS' },
        },
        ignoreErrorCodesMatching: 'RepositoryAlreadyExistsException',
        physicalResourceId: PhysicalResourceId.of(`${region}/${repositoryName}`),
      },
      // A repository made before (or by an earlier release, mutable) takes the setting on the next deploy that changes
      // it (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html).
      onUpdate: {
        service: 'ECR',
        action: 'PutImageTagMutability',
        region,
        parameters: { repositoryName, ...mutability },
        physicalResourceId: PhysicalResourceId.of(`${region}/${repositoryName}`),
      },
    });
    // After the provider's permissions (its role and its policy).
    repository.node.addDependency(permissions);
    return repository;
  });
}
