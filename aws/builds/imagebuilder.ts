import {
  GetImageCommand,
  type Image,
  type ImageStatus,
  paginateListImagePipelineImages,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import { imagebuilderClient } from '../clients/imagebuilder.js';

/** Image statuses after which a build no longer runs (everything else is in progress). */
const TERMINAL: ReadonlySet<ImageStatus> = new Set<ImageStatus>([
  'AVAILABLE',
  'FAILED',
  'CANCELLED',
  'DEPRECATED',
  'DELETED',
  'DISABLED',
]);

/** `arn:aws:imagebuilder:us-east-1:123456789012:image/base/1.0.0/3` → `1.0.0/3`. */
export function buildVersionOf(imageBuildVersionArn: string): string {
  const match = /:image\/[^/]+\/(\d+\.\d+\.\d+\/\d+)$/.exec(imageBuildVersionArn);
  if (!match?.[1]) throw new Error(`not an image build version ARN: ${imageBuildVersionArn}`);
  return match[1];
}

/** The region an Image Builder ARN lives in. */
export function regionOfArn(arn: string): string {
  const region = arn.split(':')[3];
  if (!region) throw new Error(`not an ARN: ${arn}`);
  return region;
}

/**
 * Starts a pipeline. The client token makes it idempotent: the same token returns the build it started before.
 * @returns the image build version ARN of the build.
 */
export async function startPipelineExecution(imagePipelineArn: string, clientToken: string): Promise<string> {
  const out = await imagebuilderClient(regionOfArn(imagePipelineArn)).send(
    new StartImagePipelineExecutionCommand({ imagePipelineArn, clientToken }),
  );
  if (!out.imageBuildVersionArn)
    throw new Error(`StartImagePipelineExecution returned no build for ${imagePipelineArn}`);
  return out.imageBuildVersionArn;
}

/** Build versions (`1.0.0/3`) of a pipeline's images that are still in progress; every page is read. */
export async function runningBuilds(imagePipelineArn: string): Promise<string[]> {
  const running: string[] = [];
  const pages = paginateListImagePipelineImages(
    { client: imagebuilderClient(regionOfArn(imagePipelineArn)) },
    { imagePipelineArn },
  );
  for await (const page of pages) {
    for (const summary of page.imageSummaryList ?? []) {
      const status = summary.state?.status;
      if (summary.arn && status && !TERMINAL.has(status)) running.push(buildVersionOf(summary.arn));
    }
  }
  return running;
}

/** One image build version, as Image Builder describes it. */
export async function getImage(imageBuildVersionArn: string): Promise<Image> {
  const out = await imagebuilderClient(regionOfArn(imageBuildVersionArn)).send(
    new GetImageCommand({ imageBuildVersionArn }),
  );
  if (!out.image) throw new Error(`GetImage returned nothing for ${imageBuildVersionArn}`);
  return out.image;
}
