import { ACTION_PLATFORMS, parseComponentDocument } from '../awstoe.js';
import { imageTraits } from '../image-traits.js';
import { describeArchitectures, instanceTypeArchitectures } from '../instance-types.js';
import { managedComponentPlatform } from '../managed-components.js';
import type { ComponentRef } from '../schema.js';
import type { CatalogRule, ComponentFiles } from './types.js';

/**
 * Every component runs on the image's platform. An AWS-managed component is for one platform (managed-components.ts)
 * and Image Builder refuses a recipe that lists one for another platform than the parent image's: CreateImageRecipe
 * answers "The value supplied for parameter 'components' is not valid. Component ARN '…'"
 * (https://github.com/aws/ec2-image-builder-roadmap/issues/68). A file component is created with the image's
 * platform (stacks/factory/components.ts), and Image Builder refuses its document when a step's action does not run
 * there (awstoe.ts, `ACTION_PLATFORMS`).
 */
export const componentPlatforms: CatalogRule = (catalog, report, files, sound) => {
  const documents = new Map<string, readonly string[] | undefined>();
  for (const [name, image] of Object.entries(catalog.images)) {
    if (typeof image !== 'object' || image === null) continue;
    const traits = imageTraits(catalog, name, sound);
    const platform = traits.platform.value;
    if (!traits.sure || platform === undefined) continue;
    const imageSays = `image "${name}" is ${platform} (from ${traits.platform.from})`;
    for (const stage of ['components', 'tests'] as const) {
      if (!sound(['images', name, stage])) continue;
      image[stage].forEach((ref: ComponentRef, i: number) => {
        if ('managed' in ref) {
          const own = managedComponentPlatform(ref.managed);
          if (own !== undefined && own !== platform) {
            report(
              ['images', name, stage, i, 'managed'],
              `"${ref.managed}" is a ${own} component and ${imageSays}: Image Builder refuses a recipe whose components are for another platform than its parent image`,
            );
          }
          return;
        }
        const actions = documentActions(ref.file, documents, files);
        const foreign = actions?.filter((a) => ACTION_PLATFORMS[a] !== undefined && ACTION_PLATFORMS[a] !== platform);
        if (foreign && foreign.length > 0) {
          const runs = foreign.map((a) => `${a} (${ACTION_PLATFORMS[a]} only)`).join(', ');
          report(
            ['images', name, stage, i, 'file'],
            `${ref.file} runs ${runs} and ${imageSays}: Image Builder refuses the component ("Unsupported action ${foreign[0]} for os platform ${platform.toLowerCase()}")`,
          );
        }
      });
    }
  }
};

/**
 * Every instance type runs the image's architecture. Image Builder launches the build and test instances from the
 * infrastructure configuration's types, "based on availability"
 * (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_CreateInfrastructureConfiguration.html), and EC2
 * refuses to launch an AMI on a type of another architecture (RunInstances: "The architecture 'arm64' of the specified
 * instance type does not match the architecture 'x86_64' of the specified AMI",
 * https://github.com/hashicorp/packer/issues/11429): the build fails. Where the image's architecture is not known
 * (a container image that does not say it), its types must at least agree with each other.
 */
export const instanceTypesRunImage: CatalogRule = (catalog, report, _files, sound) => {
  for (const [name, image] of Object.entries(catalog.images)) {
    if (typeof image !== 'object' || image === null || !sound(['images', name, 'instanceTypes'])) continue;
    const traits = imageTraits(catalog, name, sound);
    const architecture = traits.sure ? traits.architecture.value : undefined;
    const known = image.instanceTypes.flatMap((type, i) => {
      const archs = instanceTypeArchitectures(type);
      return archs === undefined ? [] : [{ type, i, archs }];
    });
    if (architecture !== undefined) {
      const windows = traits.platform.value === 'Windows';
      for (const { type, i, archs } of known) {
        if (archs.includes(architecture)) continue;
        const graviton = windows && archs.includes('arm64') ? ', and Graviton instances do not run Windows' : '';
        report(
          ['images', name, 'instanceTypes', i],
          `${type} is ${describeArchitectures(archs)} and image "${name}" is ${architecture} (from ${traits.architecture.from})${graviton}: EC2 refuses to launch its AMI on that type, and the build fails`,
        );
      }
      continue;
    }
    const first = known[0];
    const other = known.find((k) => first && !k.archs.some((a) => first.archs.includes(a)));
    if (first && other) {
      report(
        ['images', name, 'instanceTypes'],
        `mixes ${describeArchitectures(first.archs)} (${first.type}) and ${describeArchitectures(other.archs)} (${other.type}): an image has one architecture, and Image Builder may launch any of its types`,
      );
    }
  }
};

/** Warning: an instance type Goldsmith cannot tell the architecture of goes unchecked. */
export const unknownInstanceTypes: CatalogRule = (catalog, report) => {
  for (const [name, image] of Object.entries(catalog.images)) {
    image.instanceTypes.forEach((type, i) => {
      if (instanceTypeArchitectures(type) === undefined) {
        report(
          ['images', name, 'instanceTypes', i],
          `Goldsmith does not know the architecture of "${type}", so it cannot check it runs the image's; Image Builder will`,
        );
      }
    });
  }
};

function documentActions(
  file: string,
  documents: Map<string, readonly string[] | undefined>,
  files: ComponentFiles,
): readonly string[] | undefined {
  if (documents.has(file)) return documents.get(file);
  let actions: readonly string[] | undefined;
  if (!file.startsWith('/') && !file.split(/[\\/]/).includes('..')) {
    const text = files.read(file);
    const parsed = text === undefined ? undefined : parseComponentDocument(text);
    if (parsed?.ok) actions = parsed.document.actions;
  }
  documents.set(file, actions);
  return actions;
}
