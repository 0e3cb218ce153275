// The Image Builder fake's operations on a built image: CancelImageCreation and DeleteImage.
import {
  ImagebuilderServiceException,
  ResourceDependencyException,
  ResourceInUseException,
} from '@aws-sdk/client-imagebuilder';
import { errorFactory, nextRequestId } from './common.js';
import type { BuildRecord } from './imagebuilder-model.js';
import { findBuild } from './imagebuilder-queries.js';

const err = errorFactory(ImagebuilderServiceException);

/** CancelImageCreation: only while PENDING, BUILDING or TESTING; `cancel` stops the walk and marks it CANCELLED. */
export function cancelImage(
  builds: ReadonlyMap<string, BuildRecord>,
  input: Record<string, unknown>,
  cancel: (b: BuildRecord) => void,
): unknown {
  const b = findBuild(builds, input.imageBuildVersionArn);
  if (!['PENDING', 'BUILDING', 'TESTING'].includes(b.status)) {
    throw err(ResourceInUseException, `The image ${b.arn} is ${b.status} and can no longer be cancelled.`);
  }
  cancel(b);
  return { requestId: nextRequestId(), clientToken: input.clientToken, imageBuildVersionArn: b.arn };
}

/**
 * DeleteImage (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_DeleteImage.html): deletes the Image
 * Builder resource only (not its AMIs); refused with ResourceDependencyException while the build runs.
 */
export function deleteImage(
  builds: ReadonlyMap<string, BuildRecord>,
  input: Record<string, unknown>,
  iso: string,
): unknown {
  const b = findBuild(builds, input.imageBuildVersionArn);
  if (['PENDING', 'BUILDING', 'TESTING', 'DISTRIBUTING'].includes(b.status)) {
    throw err(ResourceDependencyException, `The image ${b.arn} is ${b.status}: cancel the build before deleting it.`);
  }
  b.deletedAt = iso;
  return { requestId: nextRequestId(), imageBuildVersionArn: b.arn };
}
