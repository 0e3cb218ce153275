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
  fns.share.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['organizations:DescribeOrganization'], resources: ['*'] }),
  );
  allowPointerMoves(stack, fns.publish, catalog);
  const repositories = containerRepositoryArns(stack, catalog);
  if (repositories.length > 0) {
    fns.share.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecr:GetRepositoryPolicy', 'ecr:SetRepositoryPolicy'],
        resources: repositories,
      }),
    );
  }
}

/** The catalog's container repositories, in every Region. */
function containerRepositoryArns(stack: Stack, catalog: Pick<Catalog, 'images'>): string[] {
  return Object.entries(catalog.images)
    .filter(([, spec]) => spec.kind === 'container')
    .map(([image, spec]) =>
      stack.formatArn({
        service: 'ecr',
        region: '*',
        resource: 'repository',
        resourceName: containerRepositoryName(image, spec.repository),
      }),
    );
}

/**
 * What moving a channel's pointers takes, the one path Publish (forwards) and the lifecycle (rollback, revocation,
 * withdrawal) share: the parameters under `/goldsmith/` written or deleted, shared through Goldsmith's own RAM shares
 * (created tagged and closed to external principals, changed only by share name), the organization read for the
 * RAM principals, and for container images the channel tag moved by manifest and (withdrawal) the channel's pull
 * statements taken out of the repository policy.
 */
export function allowPointerMoves(
  stack: Stack,
  fn: RolePolicyHolder,
  catalog: Pick<Catalog, 'images' | 'channels'>,
  options: { withdraw?: boolean } = {},
): void {
  allowPointerShares(stack, fn, catalog);
  const parameters = [
    stack.formatArn({ service: 'ssm', region: '*', resource: 'parameter', resourceName: `${NAME_PREFIX}/*` }),
  ];
  // Every pointer write is read back before it is recorded (GetParameter), and Parameter Store validates an
  // aws:ec2:image value with the writer's own ec2:DescribeImages: without it the write silently changes nothing
  // (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-ec2-aliases.html). DescribeImages
  // supports no resource-level permissions, so its resource is `*`
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: parameters }));
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeImages'], resources: ['*'] }));
  if (options.withdraw) {
    // Publish's own ssm:PutParameter is granted with its pointer writes; the lifecycle also deletes (withdrawal).
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ssm:PutParameter', 'ssm:DeleteParameter'], resources: parameters }),
    );
  }
  const repositories = containerRepositoryArns(stack, catalog);
  if (repositories.length === 0) return;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [
        'ecr:BatchGetImage',
        'ecr:PutImage',
        // A withdrawal that leaves a repository policy with no statement deletes it (aws/promotion/ecr.ts).
        ...(options.withdraw
          ? ['ecr:GetRepositoryPolicy', 'ecr:SetRepositoryPolicy', 'ecr:DeleteRepositoryPolicy']
          : []),
      ],
      resources: repositories,
    }),
  );
}

/**
 * What the holdings audit's read-back of the container channels takes (functions/audit/channel-tags.ts): each
 * channel tag read and put back by manifest, the repository's policy read and its guard written back.
 */
export function allowContainerAudit(stack: Stack, fn: RolePolicyHolder, catalog: Pick<Catalog, 'images'>): void {
  const repositories = containerRepositoryArns(stack, catalog);
  if (repositories.length === 0) return;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ecr:BatchGetImage', 'ecr:PutImage', 'ecr:GetRepositoryPolicy', 'ecr:SetRepositoryPolicy'],
      resources: repositories,
    }),
  );
}

/**
 * What keeping the channel pointer shares takes (Publish, the lifecycle's pointer moves, the reconciler's daily
 * backstop that puts back what changed outside Goldsmith): Goldsmith's own RAM shares read, created tagged and
 * closed to external principals, changed only by share name; the parameters' resource policies RAM attaches.
 */
export function allowPointerShares(stack: Stack, fn: RolePolicyHolder, catalog: Pick<Catalog, 'channels'>): void {
  // The organization's id and management account name its OUs as RAM principals (aws/sharing/organization-ref.ts).
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['organizations:DescribeOrganization'], resources: ['*'] }));
  // GetResourceShares / GetResourceShareAssociations and CreateResourceShare take no resource ARNs: creation is held
  // to shares of parameters, inside the organization, tagged as Goldsmith's; changes to our shares by their names.
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ram:GetResourceShares', 'ram:GetResourceShareAssociations'],
      resources: ['*'],
    }),
  );
  fn.addToRolePolicy(
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
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ram:AssociateResourceShare', 'ram:DisassociateResourceShare'],
      resources: [stack.formatArn({ service: 'ram', region: '*', resource: 'resource-share', resourceName: '*' })],
      conditions: { StringEquals: { 'ram:ResourceShareName': shareNames } },
    }),
  );
  const parameters = [
    stack.formatArn({ service: 'ssm', region: '*', resource: 'parameter', resourceName: `${NAME_PREFIX}/*` }),
  ];
  // RAM attaches the parameter's resource policy on the owner's behalf when it is shared
  // (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html).
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ssm:PutResourcePolicy', 'ssm:GetResourcePolicies', 'ssm:DeleteResourcePolicy'],
      resources: parameters,
    }),
  );
}
