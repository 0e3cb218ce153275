import { catalogImage } from '../lineage.js';
import type { CatalogRule } from './types.js';

const IMAGE_BUILDER_ARN = /^arn:aws[a-z-]*:imagebuilder:/;

/**
 * AMI and container images take different parents and outputs: a container is built from a Docker image (or an
 * Image Builder container image) and pushed to an ECR repository; an AMI is never built from `docker:`.
 */
export const imageKinds: CatalogRule = (catalog, report, _files, sound) => {
  for (const [name, image] of Object.entries(catalog.images)) {
    if (!['kind', 'parent', 'repository', 'retention'].every((field) => sound(['images', name, field]))) continue;
    const parent = image.parent;
    const parentName = typeof parent === 'string' ? undefined : parent.image;
    const found = parentName === undefined ? undefined : catalogImage(catalog, parentName);
    // A parent whose kind failed its own check is not judged against.
    const parentImage = found && sound(['images', parentName ?? '', 'kind']) ? found : undefined;
    if (image.kind === 'container') {
      if (image.repository === undefined) {
        report(['images', name, 'repository'], 'is required for container images (the ECR repository to push to)');
      }
      if (image.retention.deprecateAfter !== undefined) {
        report(
          ['images', name, 'retention', 'deprecateAfter'],
          'deprecates AMIs (EC2 EnableImageDeprecation); a container image has none',
        );
      }
      if (typeof parent === 'string' && !parent.startsWith('docker:') && !IMAGE_BUILDER_ARN.test(parent)) {
        report(
          ['images', name, 'parent'],
          'a container image is built from "docker:repo:tag", an Image Builder container image ARN or a catalog container image',
        );
      }
      if (parentImage && parentImage.kind !== 'container') {
        report(
          ['images', name, 'parent', 'image'],
          `"${parentName}" is an AMI image; a container image needs a container parent`,
        );
      }
    } else {
      if (image.repository !== undefined) {
        report(['images', name, 'repository'], 'only container images have a repository (set kind: "container")');
      }
      if (typeof parent === 'string' && parent.startsWith('docker:')) {
        report(
          ['images', name, 'parent'],
          'an AMI image cannot be built from a "docker:" image (set kind: "container")',
        );
      }
      if (parentImage && parentImage.kind === 'container') {
        report(
          ['images', name, 'parent', 'image'],
          `"${parentName}" is a container image; an AMI image needs an AMI parent`,
        );
      }
    }
  }
};
