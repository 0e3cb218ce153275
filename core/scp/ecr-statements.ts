/**
 * The service control policy's statements about the container images (pure): who pushes, moves tags, deletes images
 * and changes the repositories Goldsmith's container channels live in, and the registry's settings that could reach
 * them. Part of the policy core/scp/statements.ts writes.
 */
import { GUARDED_IMAGE_ACTIONS, GUARDED_REPOSITORY_ACTIONS } from '../promotion/repository-guard.js';
import type { StatementContext } from './context.js';
import type { ScpStatementSpec } from './spec.js';

/** Image Builder's service-linked role, which distributes container images into the repositories. */
const IMAGE_BUILDER_ROLE = 'aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder';

/**
 * `ContainerImagesOnlyByGoldsmith`: a channel is a tag on an image in Goldsmith's repositories (`goldsmith/*`, and
 * the catalog's own names, `ScpOptions.repositories`); a developer with AmazonEC2ContainerRegistryPowerUser could
 * otherwise push under a channel's tag, delete its images or change the repository's policy, lifecycle or tag
 * mutability, and `ecr:CreateRepository` could make a repository of that name before the deployment does. Only the
 * deployment, Goldsmith's roles (Publish, the holdings audit, the build instances, the regional repositories' custom
 * resource) and Image Builder's service-linked role may. `ContainerRegistryOnlyByTheDeployment`: the registry's
 * replication, pull-through cache rules, creation templates and registry policy name repositories by prefix (a cache
 * rule or a replication rule whose prefix is `goldsmith` writes into those repositories): none of them take a
 * repository resource (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html),
 * so they are denied on `*`, to all but the deployment.
 */
export function containerImageStatements(c: StatementContext): ScpStatementSpec[] {
  const { options, region, r, role, cdk, own, onFinding } = c;
  const repositories = [...new Set(['goldsmith/*', ...(options.repositories ?? [])])].sort();
  return [
    {
      sid: 'ContainerImagesOnlyByGoldsmith',
      // UpdateImageStorageClass archives an image, which is then not pulled until restored
      // (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UpdateImageStorageClass.html). Not yet in the
      // repository guard: the holdings audit would announce every repository's guard of an earlier release as changed.
      actions: [
        'ecr:CreateRepository',
        ...GUARDED_IMAGE_ACTIONS,
        'ecr:UpdateImageStorageClass',
        ...GUARDED_REPOSITORY_ACTIONS,
      ],
      resources: repositories.map((name) => `arn:aws:ecr:*:*:repository/${name}`),
      exempt: [cdk, own, onFinding, role(IMAGE_BUILDER_ROLE)],
      samples: repositories.map((name) => ({
        resource: `arn:aws:ecr:${region}:${r.account}:repository/${name.replace(/\*$/, 'web-runtime')}`,
      })),
    },
    {
      sid: 'ContainerRegistryOnlyByTheDeployment',
      actions: [
        'ecr:PutReplicationConfiguration',
        'ecr:CreatePullThroughCacheRule',
        'ecr:UpdatePullThroughCacheRule',
        'ecr:PutRegistryPolicy',
        'ecr:DeleteRegistryPolicy',
        'ecr:CreateRepositoryCreationTemplate',
        'ecr:UpdateRepositoryCreationTemplate',
      ],
      resources: ['*'],
      exempt: [cdk],
      samples: [{ resource: '*' }],
    },
  ];
}
