import { deprecateAmisAt } from '../../aws/image-deprecation.js';
import { describeBuild } from '../../aws/promotion-images.js';
import { scheduledDeprecation } from '../../core/lifecycle/deprecation.js';
import { taskHandler } from './lambda.js';
import { parseTaskInput, promotionInputSchema } from './schemas.js';

/** Output of LoadImage (kept at `$.build`): the build's status, whether its tests ran, its AMI or image per region. */
export interface LoadedBuild {
  status: string;
  testsEnabled: boolean;
  amis: { region: string; imageId: string }[];
  /** Container recipes: the image Image Builder pushed in each region, by its build tag. */
  containers: { region: string; imageUri: string }[];
  /** With `retention.deprecateAfter`: when its AMIs are deprecated (creation + deprecateAfter), as EC2 was asked. */
  deprecateAt?: string | undefined;
}

/** The region of an ECR image URI (`<account>.dkr.ecr.<region>.amazonaws.com/...`). */
function regionOfImageUri(uri: string): string {
  const region = /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(uri)?.[1];
  if (!region) throw new Error(`container image URI "${uri}" is not an ECR image URI`);
  return region;
}

/** A build's container images per region, as Image Builder reports them (by build tag). */
export function containersOf(facts: { containerUris: readonly string[] }): { region: string; imageUri: string }[] {
  return facts.containerUris.map((imageUri) => ({ region: regionOfImageUri(imageUri), imageUri }));
}

/**
 * LoadImage: GetImage for the build (the state-change event carries no AMI ids or image URIs). With the image's
 * `retention.deprecateAfter`, it is also the first step to handle an available build's AMIs, so it schedules their
 * EC2 deprecation, in every region, at the build's creation plus that duration (`deprecateAmisAt`: never later than
 * a deprecation already set, so a rerun makes no call and an earlier retirement or revocation keeps its time).
 */
export async function loadImage(input: unknown): Promise<LoadedBuild> {
  const { buildVersionArn, plan } = parseTaskInput(promotionInputSchema, input, 'LoadImage');
  const facts = await describeBuild(buildVersionArn);
  const containers = containersOf(facts);
  if (facts.amis.length === 0 && containers.length === 0) {
    throw new Error(`${buildVersionArn} has neither AMIs nor container images to promote`);
  }
  const loaded: LoadedBuild = { status: facts.status, testsEnabled: facts.testsEnabled, amis: facts.amis, containers };
  const after = plan.retention?.deprecateAfterSeconds;
  if (after === undefined || facts.status !== 'AVAILABLE' || facts.amis.length === 0) return loaded;
  if (!facts.createdAt) throw new Error(`GetImage gave no dateCreated for ${buildVersionArn}`);
  const at = scheduledDeprecation(facts.createdAt, after);
  await deprecateAmisAt(facts.amis, at, new Date());
  return { ...loaded, deprecateAt: at.toISOString() };
}

export const handler = taskHandler('promotion-load-image', loadImage);
