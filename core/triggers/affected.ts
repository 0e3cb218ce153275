import type { Catalog } from '../config/schema.js';
import type { Change } from './change.js';

/** AWS's Amazon Linux AMI-update topics and the public parameter families each one announces. */
const AMI_UPDATE_TOPICS: Readonly<Record<string, string>> = {
  'arn:aws:sns:us-east-1:137112412989:amazon-linux-2023-ami-updates': '/aws/service/ami-amazon-linux-latest/al2023-',
  'arn:aws:sns:us-east-1:137112412989:amazon-linux-2-ami-updates': '/aws/service/ami-amazon-linux-latest/amzn2-',
};

/** The AMI-update topic ARNs Goldsmith knows, for the stacks to subscribe to. */
export const amiUpdateTopicArns: readonly string[] = Object.keys(AMI_UPDATE_TOPICS);

/** The `ssm:` parameter name of an image's parent, if its parent is a public parameter. */
export function baseParameterOf(catalog: Catalog, image: string): string | undefined {
  const parent = catalog.images[image]?.parent;
  return typeof parent === 'string' && parent.startsWith('ssm:') ? parent.slice('ssm:'.length) : undefined;
}

/** Distinct `ssm:` base parameters of images that rebuild on base-image releases. */
export function watchedParameters(catalog: Catalog): string[] {
  const params = Object.keys(catalog.images)
    .filter((image) => catalog.images[image]?.triggers.baseImage)
    .map((image) => baseParameterOf(catalog, image))
    .filter((p): p is string => p !== undefined);
  return [...new Set(params)];
}

/**
 * The watched parameters an Amazon Linux AMI-update notice concerns. The notice names no AMI, so the edge reads
 * each parameter and turns it into a `base-image` change: notice and watcher then dedupe on the same AMI.
 */
export function parametersForNotice(catalog: Catalog, topicArn: string): string[] {
  const family = AMI_UPDATE_TOPICS[topicArn];
  if (family === undefined) return [];
  return watchedParameters(catalog).filter((p) => p.startsWith(family));
}

/** The images a change asks to rebuild, in catalog order (before the lineage rules are applied). */
export function affectedImages(catalog: Catalog, change: Change): string[] {
  const names = Object.keys(catalog.images);
  switch (change.kind) {
    case 'schedule':
    case 'manual':
      return names.includes(change.image) ? [change.image] : [];
    case 'base-image':
      return names.filter(
        (name) => catalog.images[name]?.triggers.baseImage && baseParameterOf(catalog, name) === change.parameter,
      );
    case 'package':
      return names.filter(
        (name) =>
          catalog.images[name]?.triggers.packages.includes(change.name) &&
          (change.images === undefined || change.images.includes(name)),
      );
    case 'cascade':
      return names.filter((name) => {
        const parent = catalog.images[name]?.parent;
        return typeof parent === 'object' && parent.image === change.parent && parent.channel === change.channel;
      });
  }
}
