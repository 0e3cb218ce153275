import { RepositoryAlreadyExistsException, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { asArray, type FakeCall, type FakeService, NotImplementedByFakeError, paginate, required } from './common.js';
import { batchGetImage, MANIFEST_TYPE, pushManifest, putImage } from './ecr-images.js';
import {
  deleteRepositoryPolicy,
  deniedByPolicy,
  getRepositoryPolicy,
  type PullerContext,
  pullAllowed,
  setRepositoryPolicy,
} from './ecr-policy.js';
import {
  batchDeleteImage,
  deleteLifecyclePolicy,
  mutabilityOf,
  putImageTagMutability,
  putLifecyclePolicy,
} from './ecr-settings.js';
import { err, invalid, type Repository, type TagMutability } from './ecr-types.js';

/** The calls a repository policy's Deny is evaluated for (writes; reads and pulls are the Allow's business). */
const GUARDED = new Set([
  'PutImage',
  'InitiateLayerUpload',
  'BatchDeleteImage',
  'SetRepositoryPolicy',
  'DeleteRepositoryPolicy',
  'PutLifecyclePolicy',
  'DeleteLifecyclePolicy',
  'PutImageTagMutability',
  'DeleteRepository',
]);

export { PULL_ACTIONS, type PullerContext } from './ecr-policy.js';

/**
 * Amazon ECR private registries, per region: repositories, images by digest with mutable or immutable tags (with
 * exclusion filters: ecr-settings.ts), retag by manifest (BatchGetImage + PutImage), image deletion, lifecycle
 * policies, repository policies (validated, evaluated for cross-account pulls, and their Deny for every write of the
 * account's own principals: ecr-policy.ts), paginated DescribeImages / DescribeRepositories, and the documented errors.
 */
export class EcrFake implements FakeService {
  readonly repositories = new Map<string, Repository>();

  constructor(
    private readonly accountId: string,
    private readonly now: () => number,
  ) {}

  /** Creates a repository (the stacks do this at deploy time); an existing one is left as it is. */
  createRepository(
    region: string,
    name: string,
    tagMutability: TagMutability = 'MUTABLE',
    exclusionFilters: readonly string[] = [],
  ): void {
    const key = `${region}|${name}`;
    if (this.repositories.has(key)) return;
    this.repositories.set(key, {
      name,
      region,
      arn: `arn:aws:ecr:${region}:${this.accountId}:repository/${name}`,
      createdAt: new Date(this.now()),
      tagMutability,
      exclusionFilters: [...exclusionFilters],
      policy: undefined,
      lifecyclePolicy: undefined,
      images: new Map(),
    });
  }

  /** A push (Image Builder's distribution): a new image with a deterministic digest, tagged. Returns the digest. */
  push(region: string, name: string, tag: string, content: string): string {
    const repo = this.repository(region, name);
    const manifest = pushManifest(content);
    return putImage(repo, manifest, MANIFEST_TYPE, tag, undefined, this.accountId, this.now);
  }

  /** The digest a tag names now, if any. */
  digestOfTag(region: string, name: string, tag: string): string | undefined {
    const repo = this.repositories.get(`${region}|${name}`);
    return repo ? [...repo.images.values()].find((i) => i.tags.has(tag))?.digest : undefined;
  }

  /** Whether the repository policy lets `account` pull (the owner always can); for the simulator's audit. */
  canPull(region: string, name: string, account: string, context: PullerContext): boolean {
    const repo = this.repositories.get(`${region}|${name}`);
    if (!repo) return false;
    return pullAllowed(repo, account, this.accountId, context);
  }

  handle(call: FakeCall): unknown {
    const input = call.input;
    if (GUARDED.has(call.action)) {
      const repo = this.repository(call.region, required(input, 'repositoryName', invalid));
      const refusal = deniedByPolicy(repo, call);
      if (refusal) throw refusal;
    }
    switch (call.action) {
      case 'CreateRepository': {
        const name = required(input, 'repositoryName', invalid);
        if (this.repositories.has(`${call.region}|${name}`)) {
          throw err(
            RepositoryAlreadyExistsException,
            `The repository with name '${name}' already exists in the registry with id '${this.accountId}'`,
          );
        }
        const { mutability, filters } = mutabilityOf(input);
        this.createRepository(call.region, name, mutability, filters);
        return { repository: this.describe(this.repository(call.region, name)) };
      }
      case 'DescribeRepositories': {
        const names = asArray<string>(input.repositoryNames);
        const all = [...this.repositories.values()].filter((r) => r.region === call.region);
        for (const n of names) if (!all.some((r) => r.name === n)) throw this.notFound(n);
        const selected = names.length > 0 ? all.filter((r) => names.includes(r.name)) : all;
        const page = paginate(selected, input.maxResults, input.nextToken, {
          max: 1000,
          defaultSize: 100,
          invalidToken: () => invalid('Invalid parameter at nextToken'),
        });
        return { repositories: page.items.map((r) => this.describe(r)), nextToken: page.nextToken };
      }
      case 'DescribeImages': {
        const repo = this.repository(call.region, required(input, 'repositoryName', invalid));
        const images = [...repo.images.values()];
        const page = paginate(images, input.maxResults, input.nextToken, {
          max: 1000,
          defaultSize: 100,
          invalidToken: () => invalid('Invalid parameter at nextToken'),
        });
        return {
          imageDetails: page.items.map((i) => ({
            registryId: this.accountId,
            repositoryName: repo.name,
            imageDigest: i.digest,
            imageTags: [...i.tags].sort(),
            imagePushedAt: i.pushedAt,
            imageManifestMediaType: i.mediaType,
          })),
          nextToken: page.nextToken,
        };
      }
      case 'BatchGetImage':
        return batchGetImage(
          this.repository(call.region, required(input, 'repositoryName', invalid)),
          input,
          this.accountId,
        );
      case 'PutImage': {
        const repo = this.repository(call.region, required(input, 'repositoryName', invalid));
        const manifest = required(input, 'imageManifest', invalid);
        const tag = typeof input.imageTag === 'string' ? input.imageTag : undefined;
        const digest = putImage(
          repo,
          manifest,
          (input.imageManifestMediaType as string | undefined) ?? MANIFEST_TYPE,
          tag,
          input.imageDigest as string | undefined,
          this.accountId,
          this.now,
        );
        const image = repo.images.get(digest)!;
        return {
          image: {
            registryId: this.accountId,
            repositoryName: repo.name,
            imageId: { imageDigest: digest, imageTag: tag },
            imageManifest: image.manifest,
            imageManifestMediaType: image.mediaType,
          },
        };
      }
      case 'GetRepositoryPolicy':
        return getRepositoryPolicy(
          this.repository(call.region, required(input, 'repositoryName', invalid)),
          this.accountId,
        );
      case 'SetRepositoryPolicy':
        return setRepositoryPolicy(
          this.repository(call.region, required(input, 'repositoryName', invalid)),
          input,
          this.accountId,
        );
      case 'DeleteRepositoryPolicy':
        return deleteRepositoryPolicy(
          this.repository(call.region, required(input, 'repositoryName', invalid)),
          this.accountId,
        );
      case 'PutImageTagMutability':
        return putImageTagMutability(this.repository(call.region, String(input.repositoryName)), input, this.accountId);
      case 'PutLifecyclePolicy':
        return putLifecyclePolicy(this.repository(call.region, String(input.repositoryName)), input, this.accountId);
      case 'DeleteLifecyclePolicy':
        return deleteLifecyclePolicy(this.repository(call.region, String(input.repositoryName)), this.accountId);
      case 'BatchDeleteImage':
        return batchDeleteImage(this.repository(call.region, String(input.repositoryName)), input, this.accountId);
      default:
        throw new NotImplementedByFakeError('ecr', call.action);
    }
  }

  private repository(region: string, name: string): Repository {
    const repo = this.repositories.get(`${region}|${name}`);
    if (!repo) throw this.notFound(name);
    return repo;
  }

  private notFound(name: string): Error {
    return err(
      RepositoryNotFoundException,
      `The repository with name '${name}' does not exist in the registry with id '${this.accountId}'`,
    );
  }

  private describe(r: Repository): unknown {
    return {
      repositoryArn: r.arn,
      registryId: this.accountId,
      repositoryName: r.name,
      repositoryUri: `${this.accountId}.dkr.ecr.${r.region}.amazonaws.com/${r.name}`,
      createdAt: r.createdAt,
      imageTagMutability: r.tagMutability,
      ...((r.exclusionFilters ?? []).length > 0
        ? {
            imageTagMutabilityExclusionFilters: r.exclusionFilters.map((filter) => ({
              filter,
              filterType: 'WILDCARD',
            })),
          }
        : {}),
    };
  }
}
