import { ImagebuilderServiceException, InvalidParameterValueException } from '@aws-sdk/client-imagebuilder';
import { asArray, errorFactory, nextRequestId } from './common.js';
import type { Ec2Fake } from './ec2.js';
import type { EcrFake } from './ecr.js';
import {
  type AwsEvent,
  type BuildDurations,
  type BuildRecord,
  type BuildStatus,
  eventTime,
} from './imagebuilder-model.js';

const err = errorFactory(ImagebuilderServiceException);

/**
 * Distribution: one KMS-encrypted AMI per distribution region in the EC2 fake, tagged the way Image Builder tags
 * its output, or one image URI per region for container recipes.
 */
export function distribute(b: BuildRecord, ec2: Ec2Fake, accountId: string, iso: string, ecr?: EcrFake): void {
  const p = b.pipeline;
  const name = `${p.recipeName} ${iso.replace(/:/g, '-')}`;
  if (p.type === 'CONTAINER') {
    const repo = p.repository ?? p.recipeName;
    const tag = `${p.recipeVersion}-${b.buildNumber}`;
    b.containers = p.regions.map((region) => {
      // One build is one manifest: the same image (so the same digest) lands in each region's repository, as ECR's
      // cross-Region replication keeps it (https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication-delete.html
      // names one digest in source and destinations). Its digest is what promotion tags and points at.
      ecr?.push(region, repo, tag, b.arn);
      return { region, imageUris: [`${accountId}.dkr.ecr.${region}.amazonaws.com/${repo}:${tag}`] };
    });
    return;
  }
  b.amis = p.regions.map((region) => {
    const tags = { Ec2ImageBuilderArn: b.arn, CreatedBy: 'EC2 Image Builder' };
    const kmsKeyId = p.kmsKeyIds[region];
    const description = `${p.recipeName} ${p.recipeVersion}`;
    const ami = ec2.registerImage(region, {
      name,
      tags,
      description,
      ...(kmsKeyId ? { kmsKeyId } : {}),
      // An AMI keeps its parent's architecture and platform.
      architecture: p.architecture,
      ...(p.platform === 'Windows' && { platform: 'Windows' as const }),
    });
    return { region, image: ami.imageId, name, accountId };
  });
}

/** "EC2 Image Builder Image State Change" as AWS documents it: the build version ARN in resources[0]. */
export function stateChangeEvent(b: BuildRecord, previous: BuildStatus, accountId: string, now: number): AwsEvent {
  return {
    version: '0',
    id: nextRequestId(),
    'detail-type': 'EC2 Image Builder Image State Change',
    source: 'aws.imagebuilder',
    account: accountId,
    time: eventTime(now),
    region: b.pipeline.region,
    resources: [b.arn],
    detail: {
      'previous-state': { status: previous },
      state: b.reason === undefined ? { status: b.status } : { status: b.status, reason: b.reason },
    },
  };
}

const FILTER_FIELDS: Record<string, (f: Record<string, unknown>) => unknown> = {
  imageBuildVersionArn: (f) => f.imageBuildVersionArn,
  imagePipelineArn: (f) => f.imagePipelineArn,
  severity: (f) => f.severity,
  vulnerabilityId: (f) => (f.packageVulnerabilityDetails as { vulnerabilityId?: string } | undefined)?.vulnerabilityId,
};

/** ListImageScanFindings' filters: each names a field and the values it may take; all filters must match. */
export function filterFindings(all: Record<string, unknown>[], filters: unknown): Record<string, unknown>[] {
  let out = all;
  for (const f of asArray<{ name?: string; values?: string[] }>(filters)) {
    const read = FILTER_FIELDS[f.name ?? ''];
    if (!read) throw err(InvalidParameterValueException, `The filter name ${String(f.name)} is not valid.`);
    const values = f.values ?? [];
    out = out.filter((x) => values.includes(String(read(x))));
  }
  return out;
}

/** The phases a build walks through and how long each wait lasts; a failing build stops at BUILDING. */
export function phaseSteps(b: BuildRecord, d: BuildDurations, failWith: string | undefined): [BuildStatus, number][] {
  const steps: [BuildStatus, number][] = [['BUILDING', d.pendingMs]];
  if (failWith !== undefined) steps.push(['FAILED', d.buildingMs]);
  else {
    if (b.pipeline.testsEnabled) steps.push(['TESTING', d.buildingMs], ['DISTRIBUTING', d.testingMs]);
    else steps.push(['DISTRIBUTING', d.buildingMs]);
    steps.push(['AVAILABLE', d.distributingMs]);
  }
  return steps;
}
