import { CreateTagsCommand, DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetImageCommand, paginateListImageScanFindings } from '@aws-sdk/client-imagebuilder';
import type { RegionAmi } from '../../core/promotion/types.js';
import type { BuildRecipe } from '../../core/sbom/build-content.js';
import { withSchemaVersion } from '../../events/schema-version.js';
import { GOLDSMITH_SOURCE } from '../../events/sources.js';
import { ec2Client } from '../clients/ec2.js';
import { eventbridgeClient } from '../clients/eventbridge.js';
import { imagebuilderClient } from '../clients/imagebuilder.js';

/** What promotion needs from Image Builder's GetImage. */
export interface ImageFacts {
  status: string;
  reason?: string | undefined;
  testsEnabled: boolean;
  amis: RegionAmi[];
  /** Container image URIs (container recipes output these instead of AMIs). */
  containerUris: string[];
  /** The pipeline that built it (absent for builds started outside a pipeline). */
  pipelineArn?: string | undefined;
  tags: Record<string, string>;
  /** When Image Builder created the build (GetImage `dateCreated`). */
  createdAt?: string | undefined;
  /**
   * Its operating system (GetImage `osVersion`, "the operating system version of the Amazon EC2 build instance. For
   * example, Amazon Linux 2, Ubuntu 18": https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_Image.html).
   */
  osVersion?: string | undefined;
  /** The recipe it was built from: GetImage's `imageRecipe` (an AMI) or `containerRecipe` (a container image). */
  recipe?: (BuildRecipe & { kind: 'ami' | 'container' }) | undefined;
}

/** GetImage for a build version ARN: status, whether tests ran, and the AMI in each distribution region. */
export async function describeBuild(buildVersionArn: string): Promise<ImageFacts> {
  const out = await imagebuilderClient().send(new GetImageCommand({ imageBuildVersionArn: buildVersionArn }));
  const image = out.image;
  if (!image) throw new Error(`GetImage returned no image for ${buildVersionArn}`);
  const amis = (image.outputResources?.amis ?? []).flatMap((a) =>
    a.region && a.image ? [{ region: a.region, imageId: a.image }] : [],
  );
  return {
    status: image.state?.status ?? 'UNKNOWN',
    reason: image.state?.reason,
    // Strict: a build whose answer does not say tests were enabled is treated as untested.
    testsEnabled: image.imageTestsConfiguration?.imageTestsEnabled === true,
    amis,
    containerUris: (image.outputResources?.containers ?? []).flatMap((c) => c.imageUris ?? []),
    pipelineArn: image.sourcePipelineArn,
    tags: image.tags ?? {},
    createdAt: image.dateCreated,
    osVersion: image.osVersion,
    recipe: image.containerRecipe
      ? { ...image.containerRecipe, kind: 'container' }
      : image.imageRecipe && { ...image.imageRecipe, kind: 'ami' },
  };
}

/** One Image Builder scan finding of a build: its vulnerability (when it names one), severity and packages. */
export interface ScanFinding {
  vulnerabilityId?: string | undefined;
  severity: string;
  /**
   * `name version` of each vulnerable package (`packageVulnerabilityDetails.vulnerablePackages`, version and release
   * joined as `version-release`: https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_VulnerablePackage.html).
   */
  packages: string[];
}

/**
 * Every Image Builder scan finding of a build (ListImageScanFindings filtered on the build's ARN, all pages:
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ListImageScanFindings.html).
 */
export async function scanFindings(buildVersionArn: string): Promise<ScanFinding[]> {
  const out: ScanFinding[] = [];
  const pages = paginateListImageScanFindings(
    { client: imagebuilderClient() },
    { filters: [{ name: 'imageBuildVersionArn', values: [buildVersionArn] }] },
  );
  for await (const page of pages) {
    for (const finding of page.findings ?? []) {
      out.push({
        vulnerabilityId: finding.packageVulnerabilityDetails?.vulnerabilityId,
        severity: finding.severity ?? 'UNTRIAGED',
        packages: (finding.packageVulnerabilityDetails?.vulnerablePackages ?? []).flatMap((p) =>
          p.name && p.version ? [`${p.name} ${p.version}${p.release ? `-${p.release}` : ''}`] : [],
        ),
      });
    }
  }
  return out;
}

/** Severities of every Image Builder scan finding of a build. */
export async function scanFindingSeverities(buildVersionArn: string): Promise<string[]> {
  return (await scanFindings(buildVersionArn)).map((f) => f.severity);
}

/** Tags AMIs in their regions (CreateTags overwrites a tag's value, so a retry is harmless). */
export async function tagAmis(amis: readonly RegionAmi[], tags: Record<string, string>): Promise<void> {
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  for (const ami of amis) {
    await ec2Client(ami.region).send(new CreateTagsCommand({ Resources: [ami.imageId], Tags }));
  }
}

/**
 * Puts one event on a bus. PutEvents reports per-entry failures in its answer rather than throwing, so a failed
 * entry is turned into an error here: a lost "Image Promoted" would silently stop the cascade.
 */
export async function putEvent(busName: string, source: string, detailType: string, detail: unknown): Promise<string> {
  const out = await eventbridgeClient().send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: busName,
          Source: source,
          DetailType: detailType,
          // Goldsmith's own facts carry the version of their shape (events/schema-version.ts).
          Detail: JSON.stringify(source === GOLDSMITH_SOURCE ? withSchemaVersion(detail) : detail),
        },
      ],
    }),
  );
  const entry = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
    throw new Error(`PutEvents failed: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
  }
  return entry.EventId;
}

/**
 * The Image Builder build an AMI came from: Image Builder tags every output AMI with `Ec2ImageBuilderArn` (the
 * build version ARN). Undefined for AMIs that are not Image Builder's (or not visible in that region).
 */
export async function buildArnOfAmi(region: string, imageId: string): Promise<string | undefined> {
  const out = await ec2Client(region).send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  return out.Images?.[0]?.Tags?.find((t) => t.Key === 'Ec2ImageBuilderArn')?.Value;
}
