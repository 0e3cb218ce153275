import { createHash } from 'node:crypto';
import {
  ECRServiceException,
  ImageAlreadyExistsException,
  ImageDigestDoesNotMatchException,
  ImageTagAlreadyExistsException,
  InvalidParameterException,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
  RepositoryPolicyNotFoundException,
} from '@aws-sdk/client-ecr';
import {
  asArray,
  errorFactory,
  type FakeCall,
  type FakeService,
  NotImplementedByFakeError,
  paginate,
  required,
} from './common.js';
import { policyProblems, type RequestContext, resourcePolicyAllows } from './iam-conditions.js';

const err = errorFactory(ECRServiceException);
const invalid = (msg: string): Error => err(InvalidParameterException, msg);

/** The actions a cross-account pull needs (the audit asks the repository policy for all of them). */
export const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/** https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html: policyText ≤ 10,240. */
const MAX_POLICY_LENGTH = 10_240;
/** https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html: 1–100 image ids. */
const MAX_IMAGE_IDS = 100;
const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

interface EcrImage {
  readonly digest: string;
  readonly manifest: string;
  readonly mediaType: string;
  readonly tags: Set<string>;
  readonly pushedAt: Date;
}

interface Repository {
  readonly name: string;
  readonly region: string;
  readonly arn: string;
  readonly createdAt: Date;
  tagMutability: 'MUTABLE' | 'IMMUTABLE';
  policy: string | undefined;
  readonly images: Map<string, EcrImage>;
}

/** Who asks to pull: an account and, for members, its organization id and path (the request context). */
export type PullerContext = (account: string) => RequestContext;

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
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: 1024,
        digest: sha256(`config ${content}`),
      },
      layers: [
        {
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          size: 4096,
          digest: sha256(`layer ${content}`),
        },
      ],
    });
    return this.put(repo, manifest, MANIFEST_TYPE, tag, undefined);
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
    if (account === this.accountId) return true;
    return resourcePolicyAllows(repo.policy, account, PULL_ACTIONS, context(account));
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
        return this.batchGetImage(call.region, input);
      case 'PutImage': {
        const repo = this.repository(call.region, required(input, 'repositoryName', invalid));
        const manifest = required(input, 'imageManifest', invalid);
        const tag = typeof input.imageTag === 'string' ? input.imageTag : undefined;
        const digest = this.put(
          repo,
          manifest,
          (input.imageManifestMediaType as string | undefined) ?? MANIFEST_TYPE,
          tag,
          input.imageDigest as string | undefined,
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
      case 'GetRepositoryPolicy': {
        const repo = this.repository(call.region, required(input, 'repositoryName', invalid));
        if (!repo.policy) {
          throw err(
            RepositoryPolicyNotFoundException,
            `Repository policy does not exist for the repository with name '${repo.name}' in the registry with id '${this.accountId}'`,
          );
        }
        return { registryId: this.accountId, repositoryName: repo.name, policyText: repo.policy };
      }
      case 'SetRepositoryPolicy': {
        const repo = this.repository(call.region, required(input, 'repositoryName', invalid));
        const text = required(input, 'policyText', invalid);
        if (text.length > MAX_POLICY_LENGTH)
          throw invalid(
            `Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Member must have length less than or equal to ${MAX_POLICY_LENGTH}'`,
          );
        const problems = policyProblems(text);
        if (problems.length > 0) throw invalid(`Invalid repository policy provided: ${problems.join('; ')}`);
        repo.policy = text;
        return { registryId: this.accountId, repositoryName: repo.name, policyText: text };
      }
      case 'DeleteRepositoryPolicy': {
        const repo = this.repository(call.region, required(input, 'repositoryName', invalid));
        if (!repo.policy)
          throw err(
            RepositoryPolicyNotFoundException,
            `Repository policy does not exist for the repository with name '${repo.name}'`,
          );
        const policyText = repo.policy;
        repo.policy = undefined;
        return { registryId: this.accountId, repositoryName: repo.name, policyText };
      }
      default:
        throw new NotImplementedByFakeError('ecr', call.action);
    }
  }

  private batchGetImage(region: string, input: Record<string, unknown>): unknown {
    const repo = this.repository(region, required(input, 'repositoryName', invalid));
    const ids = asArray<{ imageTag?: string; imageDigest?: string }>(input.imageIds);
    if (ids.length < 1 || ids.length > MAX_IMAGE_IDS)
      throw invalid(`imageIds must list between 1 and ${MAX_IMAGE_IDS} images`);
    const images: unknown[] = [];
    const failures: unknown[] = [];
    for (const id of ids) {
      if (!id.imageTag && !id.imageDigest) {
        failures.push({
          imageId: id,
          failureCode: 'MissingDigestAndTag',
          failureReason: 'Requested image digest and tag are both missing',
        });
        continue;
      }
      const byDigest = id.imageDigest ? repo.images.get(id.imageDigest) : undefined;
      const byTag = id.imageTag ? [...repo.images.values()].find((i) => i.tags.has(id.imageTag!)) : undefined;
      const image = id.imageDigest ? byDigest : byTag;
      if (!image) {
        failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
        continue;
      }
      if (id.imageTag && id.imageDigest && !image.tags.has(id.imageTag)) {
        failures.push({
          imageId: id,
          failureCode: 'ImageTagDoesNotMatchDigest',
          failureReason: 'Requested image tag does not match the digest',
        });
        continue;
      }
      images.push({
        registryId: this.accountId,
        repositoryName: repo.name,
        imageId: { imageDigest: image.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
        imageManifest: image.manifest,
        imageManifestMediaType: image.mediaType,
      });
    }
    return { images, failures };
  }

  /** Stores a manifest (its digest is its sha256) and moves `tag` onto it, as PutImage does. */
  private put(
    repo: Repository,
    manifest: string,
    mediaType: string,
    tag: string | undefined,
    expected: string | undefined,
  ): string {
    const digest = sha256(manifest);
    if (expected !== undefined && expected !== digest) {
      throw err(
        ImageDigestDoesNotMatchException,
        `The provided digest ${expected} does not match the digest of the manifest, ${digest}`,
      );
    }
    const existing = repo.images.get(digest);
    const holder = tag ? [...repo.images.values()].find((i) => i.tags.has(tag)) : undefined;
    if (existing && (tag === undefined || existing.tags.has(tag))) {
      throw err(
        ImageAlreadyExistsException,
        `Image with digest '${digest}'${tag ? ` and tag '${tag}'` : ''} already exists in the repository with name '${repo.name}' in registry with id '${this.accountId}'`,
      );
    }
    if (tag && holder && holder.digest !== digest && repo.tagMutability === 'IMMUTABLE') {
      throw err(
        ImageTagAlreadyExistsException,
        `The image tag '${tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`,
      );
    }
    holder?.tags.delete(tag!);
    const image = existing ?? { digest, manifest, mediaType, tags: new Set<string>(), pushedAt: new Date(this.now()) };
    if (tag) image.tags.add(tag);
    repo.images.set(digest, image);
    return digest;
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

function sha256(s: string): string {
  return `sha256:${createHash('sha256').update(s).digest('hex')}`;
}
