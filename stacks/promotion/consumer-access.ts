import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Catalog } from '../../core/config/schema.js';
import { containerRepositoryName, NAME_PREFIX, pointerShareName } from '../names.js';

/** A function whose role can take statements (an SST or CDK Lambda function). */
interface RolePolicyHolder {
  addToRolePolicy(statement: iam.PolicyStatement): void;
}

/**
 * What Share and Publish need to make promotions reachable by consumers: reading the organization (its id and
 * management account name the RAM principals), RAM resource shares for the channel pointers, and the container
 * images' ECR repositories (pull policy, retag by manifest). Scoped to Goldsmith's shares and repositories.
 */
export function grantConsumerAccess(
  stack: Stack,
  fns: { share: RolePolicyHolder; publish: RolePolicyHolder },
  catalog: Pick<Catalog, 'images' | 'channels'>,
): void {
  for (const f of [fns.share, fns.publish]) {
    f.addToRolePolicy(new iam.PolicyStatement({ actions: ['organizations:DescribeOrganization'], resources: ['*'] }));
  }

  // GetResourceShares / GetResourceShareAssociations and CreateResourceShare take no resource ARNs: creation is held
  // to shares of parameters, inside the organization, tagged as Goldsmith's; changes to our shares by their names.
  fns.publish.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ram:GetResourceShares', 'ram:GetResourceShareAssociations'],
      resources: ['*'],
    }),
  );
  fns.publish.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ram:CreateResourceShare', 'ram:TagResource'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:RequestTag/goldsmith:purpose': 'channel-pointers' },
        Bool: { 'ram:RequestedAllowsExternalPrincipals': 'false' },
      },
    }),
  );
  const shareNames = [...new Set(catalog.channels.map((c) => pointerShareName(c.name)))].sort();
  fns.publish.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ram:AssociateResourceShare', 'ram:DisassociateResourceShare'],
      resources: [stack.formatArn({ service: 'ram', region: '*', resource: 'resource-share', resourceName: '*' })],
      conditions: { StringEquals: { 'ram:ResourceShareName': shareNames } },
    }),
  );
  // RAM attaches the parameter's resource policy on the owner's behalf when it is shared
  // (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html).
  fns.publish.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ssm:PutResourcePolicy', 'ssm:GetResourcePolicies', 'ssm:DeleteResourcePolicy'],
      resources: [
        stack.formatArn({ service: 'ssm', region: '*', resource: 'parameter', resourceName: `${NAME_PREFIX}/*` }),
      ],
    }),
  );

  const containers = Object.entries(catalog.images).filter(([, spec]) => spec.kind === 'container');
  if (containers.length === 0) return;
  const repositories = containers.map(([image, spec]) =>
    stack.formatArn({
      service: 'ecr',
      region: '*',
      resource: 'repository',
      resourceName: containerRepositoryName(image, spec.repository),
    }),
  );
  fns.share.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ecr:GetRepositoryPolicy', 'ecr:SetRepositoryPolicy'],
      resources: repositories,
    }),
  );
  fns.publish.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['ecr:BatchGetImage', 'ecr:PutImage'], resources: repositories }),
  );
}
