import { createHash } from 'node:crypto';
import {
  ImageAlreadyExistsException,
  ImageDigestDoesNotMatchException,
  ImageTagAlreadyExistsException,
} from '@aws-sdk/client-ecr';
import { asArray } from './common.js';
import { tagImmutable } from './ecr-settings.js';
import { err, invalid, type Repository } from './ecr-types.js';

/** The ECR fake's image and tag bookkeeping: manifests, digests, PutImage's tag moves and BatchGetImage. */

/** https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html: 1–100 image ids. */
const MAX_IMAGE_IDS = 100;
export const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

/** The manifest a push (Image Builder's distribution) stores: config and layer digests derived from `content`. */
export function pushManifest(content: string): string {
  return JSON.stringify({
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
}

export function batchGetImage(repo: Repository, input: Record<string, unknown>, accountId: string): unknown {
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
      registryId: accountId,
      repositoryName: repo.name,
      imageId: { imageDigest: image.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
      imageManifest: image.manifest,
      imageManifestMediaType: image.mediaType,
    });
  }
  return { images, failures };
}

/**
 * Stores a manifest (its digest is its sha256) and moves `tag` onto it, as PutImage does: ImageAlreadyExistsException
 * when that manifest already carries the tag, ImageTagAlreadyExistsException when the tag is on another image and
 * immutable in the repository (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html#API_PutImage_Errors).
 */
export function putImage(
  repo: Repository,
  manifest: string,
  mediaType: string,
  tag: string | undefined,
  expected: string | undefined,
  accountId: string,
  now: () => number,
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
      `Image with digest '${digest}'${tag ? ` and tag '${tag}'` : ''} already exists in the repository with name '${repo.name}' in registry with id '${accountId}'`,
    );
  }
  if (tag && holder && holder.digest !== digest && tagImmutable(repo, tag)) {
    throw err(
      ImageTagAlreadyExistsException,
      `The image tag '${tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`,
    );
  }
  holder?.tags.delete(tag!);
  const image = existing ?? { digest, manifest, mediaType, tags: new Set<string>(), pushedAt: new Date(now()) };
  if (tag) image.tags.add(tag);
  repo.images.set(digest, image);
  return digest;
}

function sha256(s: string): string {
  return `sha256:${createHash('sha256').update(s).digest('hex')}`;
}
