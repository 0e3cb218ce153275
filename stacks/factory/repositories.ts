import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/**
 * The container image's ECR repository in each other distribution region, where Image Builder copies the image.
 * SST v2 pins every stack to the app's region, so ECR CreateRepository is called in each region directly; an
 * existing repository is accepted (idempotent) and kept on removal, like the home one, since images live in it.
 */
export function createRegionalRepositories(
  scope: Construct,
  image: string,
  repositoryName: string,
  regions: string[],
): AwsCustomResource[] {
  if (regions.length === 0) return [];
  const stack = Stack.of(scope);
  const group = new Construct(scope, `${image}Repositories`);
  const policy = AwsCustomResourcePolicy.fromStatements([
    new iam.PolicyStatement({
      actions: ['ecr:CreateRepository'],
      resources: regions.map(
        (region) => `arn:${stack.partition}:ecr:${region}:${stack.account}:repository/${repositoryName}`,
      ),
    }),
  ]);
  return regions.map(
    (region) =>
      new AwsCustomResource(group, region, {
        resourceType: 'Custom::GoldsmithRepository',
        installLatestAwsSdk: false,
        policy,
        onCreate: {
          service: 'ECR',
          action: 'CreateRepository',
          region,
          parameters: {
            repositoryName,
            imageTagMutability: 'MUTABLE',
            encryptionConfiguration: { encryptionType: 'KMS' },
          },
          ignoreErrorCodesMatching: 'RepositoryAlreadyExistsException',
          physicalResourceId: PhysicalResourceId.of(`${region}/${repositoryName}`),
        },
      }),
  );
}
