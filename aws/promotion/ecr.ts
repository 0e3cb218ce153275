import {
  BatchGetImageCommand,
  DeleteRepositoryPolicyCommand,
  GetRepositoryPolicyCommand,
  type Image,
  PutImageCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { GoldsmithError } from '../../core/errors.js';
import type { PolicyDocument } from '../../core/promotion/consumer-access.js';
import { ecrClient } from '../clients/ecr.js';

/**
 * ECR, for promoting container images: a channel is a tag moved to the build's digest by manifest (BatchGetImage,
 * then PutImage with the new tag: no layer moves, https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-retag.html),
 * and the repository policy grants the channel's targets pull access.
 */

/** The build's image is not in the repository (deleted, or never pushed): permanent. */
export class ContainerImageMissingError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerImageMissing';
  }
}

/** A container image as Image Builder reports it: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`. */
export interface ContainerRef {
  registryId: string;
  region: string;
  repository: string;
  tag: string;
}

const IMAGE_URI =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*):([\w][\w.-]{0,127})$/;

/** Parses an ECR image URI with a tag; undefined for anything else (another registry, a digest reference). */
export function parseImageUri(uri: string): ContainerRef | undefined {
  const m = IMAGE_URI.exec(uri);
  if (!m) return undefined;
  return { registryId: m[1]!, region: m[2]!, repository: m[3]!, tag: m[4]! };
}

const DIGEST_URI =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*)@(sha256:[0-9a-f]{64})$/;

/** A channel pointer's container value (`digestUri`) as its repository and digest; undefined for anything else. */
export function parseDigestUri(
  uri: string,
): { ref: Pick<ContainerRef, 'registryId' | 'region' | 'repository'>; digest: string } | undefined {
  const m = DIGEST_URI.exec(uri);
  return m ? { ref: { registryId: m[1]!, region: m[2]!, repository: m[3]! }, digest: m[4]! } : undefined;
}

/** The digest reference consumers pull: `<registry>/<repo>@sha256:…` (immutable, unlike a tag). */
export function digestUri(ref: ContainerRef, digest: string): string {
  return `${ref.registryId}.dkr.ecr.${ref.region}.amazonaws.com/${ref.repository}@${digest}`;
}

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/** Images by tag, in one BatchGetImage; tags ECR does not find are absent from the map. */
async function imagesByTag(
  ref: Pick<ContainerRef, 'registryId' | 'region' | 'repository'>,
  tags: readonly string[],
): Promise<Map<string, Image>> {
  const out = await ecrClient(ref.region).send(
    new BatchGetImageCommand({
      registryId: ref.registryId,
      repositoryName: ref.repository,
      imageIds: tags.map((imageTag) => ({ imageTag })),
      acceptedMediaTypes: MANIFEST_TYPES,
    }),
  );
  const found = new Map<string, Image>();
  for (const image of out.images ?? []) {
    if (image.imageId?.imageTag && image.imageId.imageDigest && image.imageManifest)
      found.set(image.imageId.imageTag, image);
  }
  return found;
}

/** The digest Image Builder's build tag names now (`sha256:…`). */
export async function digestOf(ref: ContainerRef): Promise<string> {
  const image = (await imagesByTag(ref, [ref.tag])).get(ref.tag);
  if (!image) throw new ContainerImageMissingError(`${ref.repository} in ${ref.region} has no image tagged ${ref.tag}`);
  return image.imageId!.imageDigest!;
}

/** The channel tag does not name the build's digest after the move (refused, or moved again by someone): permanent. */
export class ChannelTagNotMovedError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelTagNotMoved';
  }
}

/**
 * Points `channelTag` at the image the build's tag names (retag by manifest): one BatchGetImage reads both tags,
 * then PutImage puts the build's manifest back with the channel tag, which ECR moves off whatever image held it. A
 * channel tag already on that digest makes no PutImage. Nothing is taken as moved until a BatchGetImage reads the
 * channel tag on the digest: ECR's ImageAlreadyExistsException ("The specified image has already been pushed, and
 * there were no changes to the manifest or image tag after the last push") is a retry's success only when the read
 * confirms it, and ImageTagAlreadyExistsException ("The specified image is tagged with a tag that already exists. The
 * repository is configured for tag immutability",
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html#API_PutImage_Errors) says the tag did
 * not move: a repository whose tags are immutable for the channel's tag.
 * @returns the digest, and whether a PutImage was made.
 * @throws ChannelTagNotMovedError when ECR refused the move or the tag reads another digest afterwards.
 */
export async function moveTag(ref: ContainerRef, channelTag: string): Promise<{ digest: string; moved: boolean }> {
  const found = await imagesByTag(ref, [ref.tag, channelTag]);
  const image = found.get(ref.tag);
  if (!image) throw new ContainerImageMissingError(`${ref.repository} in ${ref.region} has no image tagged ${ref.tag}`);
  const digest = image.imageId!.imageDigest!;
  if (found.get(channelTag)?.imageId?.imageDigest === digest) return { digest, moved: false };
  try {
    await putTag(ref, image, channelTag);
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'ImageTagAlreadyExistsException') {
      throw new ChannelTagNotMovedError(
        `${ref.repository} in ${ref.region} refused to move tag ${channelTag} to ${digest} (ImageTagAlreadyExistsException: its tags are immutable); the channel tags must be excluded from the repository's tag immutability`,
      );
    }
    if (name !== 'ImageAlreadyExistsException') throw err;
  }
  const now = await tagDigest(ref, channelTag);
  if (now !== digest) {
    throw new ChannelTagNotMovedError(
      `${ref.repository} in ${ref.region}: tag ${channelTag} names ${now ?? 'no image'} after the move, not ${digest}`,
    );
  }
  return { digest, moved: true };
}

/** The digest `tag` names now in the repository, or undefined when no image carries it (one BatchGetImage). */
export async function tagDigest(
  ref: Pick<ContainerRef, 'registryId' | 'region' | 'repository'>,
  tag: string,
): Promise<string | undefined> {
  return (await imagesByTag(ref, [tag])).get(tag)?.imageId?.imageDigest;
}

/**
 * Puts `tag` back on the image `digest` names (the audit: a channel tag someone moved), by its manifest, and reads it
 * back. @returns what the tag names afterwards, or `gone` when the repository no longer holds the image.
 */
export async function putTagBack(
  ref: Pick<ContainerRef, 'registryId' | 'region' | 'repository'>,
  digest: string,
  tag: string,
): Promise<{ now: string | undefined } | 'gone'> {
  const out = await ecrClient(ref.region).send(
    new BatchGetImageCommand({
      registryId: ref.registryId,
      repositoryName: ref.repository,
      imageIds: [{ imageDigest: digest }],
      acceptedMediaTypes: MANIFEST_TYPES,
    }),
  );
  const image = out.images?.find((i) => i.imageId?.imageDigest === digest && i.imageManifest);
  if (!image) return 'gone';
  try {
    await putTag(ref, image, tag);
  } catch (err) {
    if ((err as Error).name !== 'ImageAlreadyExistsException') throw err;
  }
  return { now: await tagDigest(ref, tag) };
}

/** PutImage of `image`'s manifest with `tag`: ECR moves the tag onto that image (retag by manifest). */
async function putTag(
  ref: Pick<ContainerRef, 'registryId' | 'region' | 'repository'>,
  image: Image,
  tag: string,
): Promise<void> {
  await ecrClient(ref.region).send(
    new PutImageCommand({
      registryId: ref.registryId,
      repositoryName: ref.repository,
      imageManifest: image.imageManifest,
      imageManifestMediaType: image.imageManifestMediaType,
      imageTag: tag,
      imageDigest: image.imageId?.imageDigest,
    }),
  );
}

/** The repository's policy, or undefined when it has none (RepositoryPolicyNotFoundException). */
export async function readRepositoryPolicy(
  ref: Pick<ContainerRef, 'registryId' | 'region' | 'repository'>,
): Promise<PolicyDocument | undefined> {
  try {
    const out = await ecrClient(ref.region).send(
      new GetRepositoryPolicyCommand({ registryId: ref.registryId, repositoryName: ref.repository }),
    );
    return out.policyText ? (JSON.parse(out.policyText) as PolicyDocument) : undefined;
  } catch (err) {
    if ((err as Error).name === 'RepositoryPolicyNotFoundException') return undefined;
    throw err;
  }
}

/**
 * Deletes the repository's policy: what a withdrawal leaves when no statement remains, since ECR refuses a policy
 * without one (InvalidParameterException) and a repository without a policy grants nothing
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepositoryPolicy.html). A policy already gone
 * is not an error.
 */
export async function deleteRepositoryPolicy(
  ref: Pick<ContainerRef, 'registryId' | 'region' | 'repository'>,
): Promise<void> {
  try {
    await ecrClient(ref.region).send(
      new DeleteRepositoryPolicyCommand({ registryId: ref.registryId, repositoryName: ref.repository }),
    );
  } catch (err) {
    if ((err as Error).name !== 'RepositoryPolicyNotFoundException') throw err;
  }
}

/** Replaces the repository's policy (the caller merged it: other statements are kept). */
export async function writeRepositoryPolicy(
  ref: Pick<ContainerRef, 'registryId' | 'region' | 'repository'>,
  policy: PolicyDocument,
): Promise<void> {
  await ecrClient(ref.region).send(
    new SetRepositoryPolicyCommand({
      registryId: ref.registryId,
      repositoryName: ref.repository,
      policyText: JSON.stringify(policy),
    }),
  );
}
