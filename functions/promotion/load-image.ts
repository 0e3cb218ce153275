import { describeBuild } from '../../aws/promotion-images.js';
import { GoldsmithError } from '../../core/errors.js';
import { taskHandler } from './lambda.js';
import { parseTaskInput, promotionInputSchema } from './schemas.js';

/** Container builds are recorded as aborted with this reason until container promotion exists. */
export class ContainerPromotionError extends GoldsmithError {
  constructor(buildVersionArn: string) {
    super(`${buildVersionArn} is a container image: container promotion (ECR sharing, pointers) is not built yet`);
    this.name = 'ContainerPromotionNotSupported';
  }
}

/** Output of LoadImage (kept at `$.build`): the build's status, whether its tests ran, its AMI per region. */
export interface LoadedBuild {
  status: string;
  testsEnabled: boolean;
  amis: { region: string; imageId: string }[];
}

/** LoadImage: GetImage for the build (the state-change event carries no AMI ids). */
export async function loadImage(input: unknown): Promise<LoadedBuild> {
  const { buildVersionArn } = parseTaskInput(promotionInputSchema, input, 'LoadImage');
  const facts = await describeBuild(buildVersionArn);
  if (facts.amis.length === 0 && facts.containerUris.length > 0) {
    // ECR sharing and container pointers belong with the sharing modules (a later issue): say so in the outcome.
    throw new ContainerPromotionError(buildVersionArn);
  }
  if (facts.amis.length === 0) throw new Error(`${buildVersionArn} has no AMIs to promote`);
  return { status: facts.status, testsEnabled: facts.testsEnabled, amis: facts.amis };
}

export const handler = taskHandler('promotion-load-image', loadImage);
