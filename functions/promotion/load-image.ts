import * as z from 'zod';
import { deprecateAmisAt } from '../../aws/lifecycle/image-deprecation.js';
import { recordLoadedBuild } from '../../aws/promotion/promotion-facts.js';
import { describeBuild } from '../../aws/promotion/promotion-images.js';
import { scheduledDeprecation } from '../../core/lifecycle/deprecation.js';
import { parseBuildVersionArn } from '../../core/promotion/naming.js';
import { PreconditionsUnmetError } from '../../core/promotion/preconditions.js';
import { pipelineArnOf } from '../lib/catalog.js';
import { containersOf } from './containers.js';
import { taskHandler } from './lambda.js';
import { promotionPlans } from './plans.js';
import { parseTaskInput } from './schemas.js';

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

const loadSchema = z.object({ image: z.string().min(1), buildVersionArn: z.string().min(1) });

/**
 * LoadImage: GetImage for the build (the state-change event carries no AMI ids or image URIs), and the one place a
 * promotion reads its build: the build must be Goldsmith's (built by the image's own pipeline in the factory's account
 * and Region: `PIPELINE_ARN_PREFIX` + image; a tag or a same-named pipeline elsewhere proves nothing) and recorded by
 * the ledger, which then keeps what GetImage said on the build's item (`loaded`), where every later step reads it
 * instead of its input. With the catalog's `retention.deprecateAfter` for the image (never the input's plan), it also
 * schedules the AMIs' EC2 deprecation, in every region, at the build's creation plus that duration
 * (`deprecateAmisAt`: never later than a deprecation already set, so a rerun makes no call and an earlier
 * retirement or revocation keeps its time).
 */
export async function loadImage(input: unknown): Promise<LoadedBuild> {
  const { image, buildVersionArn } = parseTaskInput(loadSchema, input, 'LoadImage');
  const plan = promotionPlans()[image];
  if (!plan) throw new PreconditionsUnmetError('LoadImage', [`image "${image}" is not in the bundled catalog`]);
  const { buildVersion: version } = parseBuildVersionArn(buildVersionArn);
  const facts = await describeBuild(buildVersionArn);
  if (facts.pipelineArn !== pipelineArnOf(image)) {
    throw new PreconditionsUnmetError('LoadImage', [
      `${buildVersionArn} was not built by ${pipelineArnOf(image)} (its pipeline: ${facts.pipelineArn ?? 'none'})`,
    ]);
  }
  const containers = containersOf(facts);
  if (facts.amis.length === 0 && containers.length === 0) {
    throw new Error(`${buildVersionArn} has neither AMIs nor container images to promote`);
  }
  const loaded: LoadedBuild = { status: facts.status, testsEnabled: facts.testsEnabled, amis: facts.amis, containers };
  const after = plan.retention?.deprecateAfterSeconds;
  const deprecate = after !== undefined && facts.status === 'AVAILABLE' && facts.amis.length > 0;
  if (deprecate && !facts.createdAt) throw new Error(`GetImage gave no dateCreated for ${buildVersionArn}`);
  const at = deprecate && facts.createdAt ? scheduledDeprecation(facts.createdAt, after) : undefined;
  const result: LoadedBuild = at ? { ...loaded, deprecateAt: at.toISOString() } : loaded;
  // Recorded before any EC2 call: a build the ledger never saw is refused with nothing changed.
  const recorded = await recordLoadedBuild(image, version, {
    ...result,
    buildVersionArn,
    loadedAt: new Date().toISOString(),
  });
  if (!recorded) {
    throw new PreconditionsUnmetError('LoadImage', [`the ledger records no build ${version} of ${image}`]);
  }
  if (at) await deprecateAmisAt(facts.amis, at, new Date());
  return result;
}

export const handler = taskHandler('promotion-load-image', loadImage);
