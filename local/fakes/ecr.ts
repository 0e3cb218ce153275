import { RepositoryAlreadyExistsException, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { asArray, type FakeCall, type FakeService, NotImplementedByFakeError, paginate, required } from './common.js';
import { batchGetImage, MANIFEST_TYPE, pushManifest, putImage } from './ecr-images.js';
import {
  deleteRepositoryPolicy,
  getRepositoryPolicy,
  type PullerContext,
  pullAllowed,
  setRepositoryPolicy,
} from './ecr-policy.js';
import { err, invalid, type Repository } from './ecr-types.js';

export { PULL_ACTIONS, type PullerContext } from './ecr-policy.js';

/**
 * Amazon ECR private registries, per region: repositories, images by digest with mutable or immutable tags,
 * retag by manifest (BatchGetImage + PutImage), repository policies (validated, and evaluated for cross-account
 * pulls), paginated DescribeImages / DescribeRepositories, and the documented errors.
 */
export class EcrFake implements FakeService {
  readonly repositories = new Map<string, Repository>();

  constructor(
    private readonly accountId: string,
    private readonly now: () => number,
  ) {}

  /** Creates a repository (the stacks do this at deploy time); an existing one is left as it is. */
  createRepository(region: string, name: string, tagMutability: 'MUTABLE' | 'IMMUTABLE' = 'MUTABLE'): void {
    const key = `${region}|${name}`;
    if (this.repositories.has(key)) return;
    this.repositories.set(key, {
      name,
      region,
      arn: `arn:aws:ecr:${region}:${this.accountId}:repository/${name}`,
      createdAt: new Date(this.now()),
      tagMutability,
      policy: undefined,
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
    switch (call.action) {
      case 'CreateRepository': {
        const name = required(input, 'repositoryName', invalid);
        if (this.repositories.has(`${call.region}|${name}`)) {
          throw err(
            RepositoryAlreadyExistsException,
            `The repository with name '${name}' already exists in the registry with id '${this.accountId}'`,
          );
        }
        this.createRepository(call.region, name, input.imageTagMutability === 'IMMUTABLE' ? 'IMMUTABLE' : 'MUTABLE');
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
    };
  }
}
