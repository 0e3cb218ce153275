import { recordedBuildArn } from '../../aws/fleet/fleet-findings.js';
import { buildArnOfAmi, describeBuild, type ImageFacts } from '../../aws/promotion/promotion-images.js';
import { MalformedEventError } from '../../core/errors.js';
import type { VulnerablePackage } from '../../core/lifecycle/finding-scope.js';
import { pipelineName } from '../../core/names.js';
import { parseBuildVersionArn } from '../../core/promotion/naming.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { imageCveDetectedSchema } from '../../events/image-cve-detected.js';
import { inspectorFindingDetailSchema, inspectorFindingSchema } from '../../events/inspector-finding.js';

/** One finding, as the ledger records it against a version. */
export interface Finding {
  findingId: string;
  severity: string;
  source: string;
}

/** An instance finding, as Inspector holds it: the one Goldsmith weighs. */
export interface InstanceFinding {
  resourceAccount: string;
  region: string;
  imageId: string;
  resource: string;
  findingArn: string;
  type: string;
  vulnerabilityId?: string | undefined;
  packages: VulnerablePackage[];
  finding: Finding;
}

/**
 * What a finding event says, before Goldsmith decides whether it counts. The event only says where to look: the
 * counts of a scan and the content of an instance finding are read back from Image Builder and Inspector, since
 * whoever may invoke the function could write any event.
 */
export type FindingEvent =
  | { kind: 'none'; reason: string }
  /** Image Builder's own scan of a build ("CVE Detected"): the build named by its full ARN. */
  | { kind: 'scan'; eventAccount: string; buildVersionArn: string; counted: number }
  /** Inspector on an instance launched from an AMI: the finding's ARN. */
  | { kind: 'instance'; eventAccount: string; findingArn: string };

/**
 * Reads an Inspector finding (the "Inspector2 Finding" event's detail, or what ListFindings lists, which has the
 * same fields): an active finding on an instance launched from an AMI, or why it is none.
 */
export function readInstanceFinding(detail: unknown, fallbackRegion: string): InstanceFinding | { none: string } {
  const parsed = inspectorFindingDetailSchema.safeParse(detail);
  if (!parsed.success) return { none: `not an Inspector finding: ${parsed.error.issues[0]?.message ?? 'malformed'}` };
  const d = parsed.data;
  // A closed or suppressed finding no longer counts against the image.
  if (d.status !== 'ACTIVE') return { none: 'no active findings' };
  const resource = d.resources.find((r) => r.details?.awsEc2Instance?.imageId);
  const imageId = resource?.details?.awsEc2Instance?.imageId;
  if (!resource || !imageId) return { none: 'the finding is not about an instance launched from an AMI' };
  const vulnerabilityId = d.packageVulnerabilityDetails?.vulnerabilityId;
  return {
    resourceAccount: d.awsAccountId,
    region: resource.region ?? fallbackRegion,
    imageId,
    resource: resource.id,
    findingArn: d.findingArn,
    type: d.type,
    vulnerabilityId,
    packages: (d.packageVulnerabilityDetails?.vulnerablePackages ?? []).map((p) => ({
      name: p.name,
      version: p.version,
      release: p.release,
      epoch: p.epoch,
      packageManager: p.packageManager,
    })),
    finding: { findingId: vulnerabilityId ?? d.findingArn, severity: d.severity, source: 'inspector2' },
  };
}

/** Parses an "Inspector2 Finding" or "EC2 Image Builder CVE Detected" event. */
export function readFindingEvent(event: unknown): FindingEvent {
  const inspector = inspectorFindingSchema.safeParse(event);
  if (inspector.success) {
    const d = inspector.data.detail;
    if (d.status !== 'ACTIVE') return { kind: 'none', reason: 'no active findings' };
    return { kind: 'instance', eventAccount: inspector.data.account, findingArn: d.findingArn };
  }
  const cve = imageCveDetectedSchema.safeParse(event);
  if (cve.success) {
    const counts = cve.data.detail['finding-severity-counts'];
    return {
      kind: 'scan',
      eventAccount: cve.data.account,
      buildVersionArn: cve.data.resources[0],
      counted: counts.critical + counts.high + counts.medium,
    };
  }
  throw new MalformedEventError('expected "Inspector2 Finding" or "EC2 Image Builder CVE Detected"');
}

/** The account an image build version ARN names. */
export const accountOfArn = (arn: string): string => arn.split(':')[4] ?? '';

/** One of our builds, proven by full ARN. */
export interface OwnBuild {
  image: string;
  version: string;
  buildVersionArn: string;
  /** The factory's account: the one the build ARN names. */
  factoryAccount: string;
  facts: ImageFacts;
}

/**
 * The catalog build a build ARN is, or why it is not ours. Only the full ARN counts: the pipeline that built it must
 * be exactly `goldsmith-<image>` in the build's own account and Region (a tag or a pipeline of the same name elsewhere
 * proves nothing), and the ledger must have recorded this very ARN for that version when the build ran.
 */
export async function ownBuild(
  buildVersionArn: string,
  plans: Record<string, PromotionPlan>,
): Promise<OwnBuild | { notOurs: string }> {
  const { buildVersion: version } = parseBuildVersionArn(buildVersionArn);
  const [, partition, , region, account] = buildVersionArn.split(':');
  const facts = await describeBuild(buildVersionArn);
  const image = Object.keys(plans).find(
    (name) =>
      facts.pipelineArn === `arn:${partition}:imagebuilder:${region}:${account}:image-pipeline/${pipelineName(name)}`,
  );
  if (!image) return { notOurs: `${buildVersionArn} was not built by a Goldsmith pipeline` };
  const recorded = await recordedBuildArn(image, version);
  if (recorded !== buildVersionArn) {
    return { notOurs: `${buildVersionArn} is not the build the ledger recorded for ${image} ${version}` };
  }
  return { image, version, buildVersionArn, factoryAccount: account ?? '', facts };
}

/**
 * The build an AMI came from: Image Builder tags every AMI it outputs with `Ec2ImageBuilderArn`
 * (https://docs.aws.amazon.com/imagebuilder/latest/userguide/tag-resources.html), but anyone who may tag an AMI can
 * write that tag. So the tag only names a candidate: the AMI counts only if GetImage of that build lists it among
 * its outputs in that Region.
 */
export async function ownBuildOfAmi(
  region: string,
  imageId: string,
  plans: Record<string, PromotionPlan>,
): Promise<OwnBuild | { notOurs: string }> {
  const arn = await buildArnOfAmi(region, imageId);
  if (!arn) return { notOurs: `${imageId} in ${region} is not an Image Builder AMI we can see` };
  if (!/^arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:\d{12}:image\/[A-Za-z0-9_-]+\/\d+\.\d+\.\d+\/\d+$/.test(arn)) {
    return { notOurs: `${imageId} names no image build version ARN` };
  }
  const build = await ownBuild(arn, plans);
  if ('notOurs' in build) return build;
  if (!build.facts.amis.some((a) => a.region === region && a.imageId === imageId)) {
    return { notOurs: `${imageId} in ${region} is not an output of ${arn}` };
  }
  return build;
}
