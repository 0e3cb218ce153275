import { LifecyclePolicyNotFoundException } from '@aws-sdk/client-ecr';
import { asArray, required } from './common.js';
import { err, invalid, type Repository, type TagMutability } from './ecr-types.js';

/**
 * The ECR fake's repository settings: tag mutability with exclusion filters, lifecycle policies, and image deletion.
 *
 * Tag mutability: MUTABLE lets any tag be overwritten, IMMUTABLE none; `IMMUTABLE_WITH_EXCLUSION` makes every tag
 * immutable but those an exclusion filter matches, `MUTABLE_WITH_EXCLUSION` every tag mutable but those
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html). A filter is `WILDCARD`, of
 * `[0-9a-zA-Z._*-]{1,128}` (`*` any run of characters), and a setting takes 1–5 of them
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html).
 */

const MUTABILITIES: readonly TagMutability[] = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
];
const FILTER = /^[0-9a-zA-Z._*-]{1,128}$/;

/** The mutability and exclusion filters a CreateRepository or PutImageTagMutability asks for, checked. */
export function mutabilityOf(input: Record<string, unknown>): { mutability: TagMutability; filters: string[] } {
  const mutability = (input.imageTagMutability ?? 'MUTABLE') as TagMutability;
  if (!MUTABILITIES.includes(mutability)) throw invalid(`Invalid parameter at 'imageTagMutability': ${mutability}`);
  const given = input.imageTagMutabilityExclusionFilters;
  const filters = asArray<{ filter?: unknown; filterType?: unknown }>(given);
  const excluding = mutability.endsWith('_WITH_EXCLUSION');
  if (!excluding && given !== undefined)
    throw invalid(`imageTagMutabilityExclusionFilters can only be given with ${mutability}_WITH_EXCLUSION`);
  if (excluding && (filters.length < 1 || filters.length > 5))
    throw invalid('imageTagMutabilityExclusionFilters must hold between 1 and 5 filters');
  for (const f of filters) {
    if (f.filterType !== 'WILDCARD' || typeof f.filter !== 'string' || !FILTER.test(f.filter))
      throw invalid(`Invalid image tag mutability exclusion filter: ${JSON.stringify(f)}`);
  }
  return { mutability, filters: filters.map((f) => String(f.filter)) };
}

const matches = (filter: string, tag: string) =>
  new RegExp(`^${filter.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(tag);

/** Whether `tag`, once on an image, may not be moved to another in `repo`. */
export function tagImmutable(repo: Repository, tag: string): boolean {
  // A repository saved before exclusion filters were kept has none.
  const excluded = (repo.exclusionFilters ?? []).some((f) => matches(f, tag));
  switch (repo.tagMutability) {
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
    default:
      return false;
  }
}

/** PutImageTagMutability. */
export function putImageTagMutability(repo: Repository, input: Record<string, unknown>, accountId: string): unknown {
  const { mutability, filters } = mutabilityOf(input);
  repo.tagMutability = mutability;
  repo.exclusionFilters = filters;
  return {
    registryId: accountId,
    repositoryName: repo.name,
    imageTagMutability: mutability,
    ...(filters.length > 0
      ? { imageTagMutabilityExclusionFilters: filters.map((filter) => ({ filter, filterType: 'WILDCARD' })) }
      : {}),
  };
}

/** PutLifecyclePolicy: the text is kept (JSON with `rules`); the fake expires nothing on its own. */
export function putLifecyclePolicy(repo: Repository, input: Record<string, unknown>, accountId: string): unknown {
  const text = required(input, 'lifecyclePolicyText', invalid);
  try {
    if (!Array.isArray((JSON.parse(text) as { rules?: unknown }).rules)) throw new Error('no rules');
  } catch {
    throw invalid('Invalid parameter at LifecyclePolicyText: the lifecycle policy must be JSON with rules');
  }
  repo.lifecyclePolicy = text;
  return { registryId: accountId, repositoryName: repo.name, lifecyclePolicyText: text };
}

/** DeleteLifecyclePolicy: LifecyclePolicyNotFoundException when there is none. */
export function deleteLifecyclePolicy(repo: Repository, accountId: string): unknown {
  const text = repo.lifecyclePolicy;
  if (text === undefined)
    throw err(LifecyclePolicyNotFoundException, `Lifecycle policy does not exist for the repository '${repo.name}'`);
  repo.lifecyclePolicy = undefined;
  return { registryId: accountId, repositoryName: repo.name, lifecyclePolicyText: text };
}

/**
 * BatchDeleteImage: each id a tag or a digest; a tag removes only that tag (the image goes with its last tag), a
 * digest the image and all its tags; an id not found is a failure (`ImageNotFound`), not an error
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html).
 */
export function batchDeleteImage(repo: Repository, input: Record<string, unknown>, accountId: string): unknown {
  const ids = asArray<{ imageTag?: string; imageDigest?: string }>(input.imageIds);
  if (ids.length < 1 || ids.length > 100) throw invalid('imageIds must list between 1 and 100 images');
  const deleted: unknown[] = [];
  const failures: unknown[] = [];
  for (const id of ids) {
    const image = id.imageDigest
      ? repo.images.get(id.imageDigest)
      : [...repo.images.values()].find((i) => id.imageTag !== undefined && i.tags.has(id.imageTag));
    if (!image) {
      failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
      continue;
    }
    if (id.imageDigest === undefined && id.imageTag !== undefined) {
      image.tags.delete(id.imageTag);
      if (image.tags.size === 0) repo.images.delete(image.digest);
    } else repo.images.delete(image.digest);
    deleted.push({ imageDigest: image.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) });
  }
  return { imageIds: deleted, failures, registryId: accountId };
}
