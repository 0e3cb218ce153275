import { imageTraits, parentTraits } from '../image-traits.js';
import type { Architecture, Platform } from '../platforms.js';
import type { CatalogRule, Report } from './types.js';

/**
 * Each AMI image's platform and architecture are known, agree with its parent's, and are a pair AWS builds.
 * - Image Builder takes a recipe's platform from its parent image
 *   (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ImageRecipe.html) and an AMI built on another
 *   keeps its architecture: a field that says otherwise than the parent is refused.
 * - Where the parent's name says neither (an AMI id), the image says them: nothing else can check its instance types
 *   and components before Image Builder does.
 * - Windows does not run on arm64: Graviton instances do not support Microsoft Windows
 *   (https://github.com/aws/aws-graviton-getting-started/blob/main/os.md), and AWS publishes no arm64 Windows AMI.
 */
export const imagePlatforms: CatalogRule = (catalog, report, _files, sound) => {
  for (const [name, image] of Object.entries(catalog.images)) {
    if (typeof image !== 'object' || image === null) continue;
    const traits = imageTraits(catalog, name, sound);
    const inherited = parentTraits(catalog, name, sound);
    if (!traits.sure || !inherited.sure) continue;
    const parent = describeParent(image.parent);
    disagree(report, name, 'platform', image.platform, inherited.platform);
    disagree(report, name, 'architecture', image.architecture, inherited.architecture);
    // A catalog parent that says nothing is reported at that parent; its children inherit the answer.
    // A `docker:` parent on an AMI is wrong already (kinds.ts).
    if (image.kind === 'ami' && typeof image.parent === 'string' && !image.parent.startsWith('docker:')) {
      if (traits.platform.value === undefined) {
        report(
          ['images', name, 'platform'],
          `is required: ${parent} does not say its platform ("Linux" or "Windows"), and Image Builder builds on the parent's`,
        );
      }
      if (traits.architecture.value === undefined) {
        report(
          ['images', name, 'architecture'],
          `is required: ${parent} does not say its architecture ("x86_64" or "arm64"); the instance types must run it`,
        );
      }
    }
    if (traits.platform.value === 'Windows' && traits.architecture.value === 'arm64') {
      const at = image.architecture === undefined ? ['images', name, 'parent'] : ['images', name, 'architecture'];
      report(
        at,
        `Windows does not run on arm64 (${traits.platform.from} says Windows, ${traits.architecture.from} arm64): Graviton instances do not support Microsoft Windows`,
      );
    }
  }
};

function disagree<T extends Platform | Architecture>(
  report: Report,
  name: string,
  field: 'platform' | 'architecture',
  own: T | undefined,
  inherited: { value: T | undefined; from: string },
): void {
  if (own === undefined || inherited.value === undefined || own === inherited.value) return;
  const why =
    field === 'platform'
      ? 'Image Builder takes the recipe platform from the parent image'
      : 'an image keeps the architecture of the AMI it is built on';
  report(
    ['images', name, field],
    `${JSON.stringify(own)} differs from ${inherited.from}, which is ${JSON.stringify(inherited.value)}: ${why} (leave ${field} out to take the parent's)`,
  );
}

function describeParent(parent: unknown): string {
  if (typeof parent === 'string') return `its parent ${JSON.stringify(parent)}`;
  const name = (parent as { image?: unknown } | null)?.image;
  return `its parent image ${JSON.stringify(name)}`;
}
