import {
  ImagebuilderServiceException,
  InvalidPaginationTokenException,
  InvalidParameterValueException,
  ResourceNotFoundException,
} from '@aws-sdk/client-imagebuilder';
import { errorFactory, nextRequestId, paginate } from './common.js';
import { filterFindings } from './imagebuilder-build.js';
import { type BuildRecord, imageView, type PipelineRecord, summaryView } from './imagebuilder-model.js';

/** The Image Builder fake's read side: ARN validation and lookups, and the Get and List responses. */

const err = errorFactory(ImagebuilderServiceException);
const BUILD_ARN = /^arn:aws[^:]*:imagebuilder:[^:]+:(\d{12}|aws):image\/[a-z0-9-_]+\/\d+\.\d+\.\d+\/\d+$/;
const PIPELINE_ARN = /^arn:aws[^:]*:imagebuilder:[^:]+:\d{12}:image-pipeline\/[a-z0-9-_]+$/;
// ListImagePipelineImages, ListImageScanFindings and ListImagePackages: maxResults 1–25.
const PAGE = { max: 25, invalidToken: () => err(InvalidPaginationTokenException, 'The nextToken is not valid.') };

export function findPipeline(pipelines: ReadonlyMap<string, PipelineRecord>, arn: unknown): PipelineRecord {
  if (typeof arn !== 'string' || !PIPELINE_ARN.test(arn))
    throw err(InvalidParameterValueException, `Invalid image pipeline ARN: ${String(arn)}`);
  const p = pipelines.get(arn);
  if (!p) throw err(ResourceNotFoundException, `The resource ${arn} does not exist.`, 404);
  return p;
}

export function findBuild(builds: ReadonlyMap<string, BuildRecord>, arn: unknown): BuildRecord {
  if (typeof arn !== 'string' || !BUILD_ARN.test(arn))
    throw err(InvalidParameterValueException, `Invalid image build version ARN: ${String(arn)}`);
  const b = builds.get(arn);
  if (!b || b.deletedAt) throw err(ResourceNotFoundException, `The resource ${arn} does not exist.`, 404);
  return b;
}

export function getImage(
  builds: ReadonlyMap<string, BuildRecord>,
  input: Record<string, unknown>,
  accountId: string,
): unknown {
  return {
    requestId: nextRequestId(),
    image: imageView(findBuild(builds, input.imageBuildVersionArn), accountId),
  };
}

export function getImagePipeline(
  pipelines: ReadonlyMap<string, PipelineRecord>,
  input: Record<string, unknown>,
  runStates: ReadonlyMap<string, { status: string; consecutiveFailures: number }>,
): unknown {
  const p = findPipeline(pipelines, input.imagePipelineArn);
  const run = runStates.get(p.arn) ?? { status: 'ENABLED', consecutiveFailures: 0 };
  return {
    requestId: nextRequestId(),
    imagePipeline: {
      arn: p.arn,
      name: p.name,
      platform: p.platform,
      status: run.status,
      consecutiveFailures: run.consecutiveFailures,
      ...(p.schedule ? { schedule: { ...p.schedule } } : {}),
    },
  };
}

export function listPipelineImages(
  pipelines: ReadonlyMap<string, PipelineRecord>,
  builds: ReadonlyMap<string, BuildRecord>,
  input: Record<string, unknown>,
  accountId: string,
): unknown {
  const p = findPipeline(pipelines, input.imagePipelineArn);
  const all = [...builds.values()].filter((b) => b.pipeline === p && !b.deletedAt);
  const page = paginate(all, input.maxResults, input.nextToken, PAGE);
  return {
    requestId: nextRequestId(),
    imageSummaryList: page.items.map((b) => summaryView(b, accountId)),
    nextToken: page.nextToken,
  };
}

export function listFindings(builds: ReadonlyMap<string, BuildRecord>, input: Record<string, unknown>): unknown {
  const all = filterFindings(
    [...builds.values()].filter((x) => !x.deletedAt).flatMap((x) => x.findings),
    input.filters,
  );
  const page = paginate(all, input.maxResults, input.nextToken, PAGE);
  return { requestId: nextRequestId(), findings: page.items, nextToken: page.nextToken };
}

/**
 * ListImagePackages (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ListImagePackages.html): the
 * packages Systems Manager Inventory listed on the build instance, at most 25 a page; an ARN that is not an image
 * build version ARN is InvalidParameterValueException, an unknown image ResourceNotFoundException.
 */
export function listPackages(builds: ReadonlyMap<string, BuildRecord>, input: Record<string, unknown>): unknown {
  const b = findBuild(builds, input.imageBuildVersionArn);
  const page = paginate(b.packages, input.maxResults, input.nextToken, PAGE);
  return { requestId: nextRequestId(), imagePackageList: page.items, nextToken: page.nextToken };
}
