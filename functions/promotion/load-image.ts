import { describeBuild } from '../../aws/promotion-images.js';
import { taskHandler } from './lambda.js';
import { parseTaskInput, promotionInputSchema } from './schemas.js';

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
  if (facts.amis.length === 0) throw new Error(`${buildVersionArn} has no AMIs to promote`);
  return { status: facts.status, testsEnabled: facts.testsEnabled, amis: facts.amis };
}

export const handler = taskHandler('promotion-load-image', loadImage);
