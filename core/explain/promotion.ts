import type { EventOf } from '../../events/catalog.js';
import { policyBreach } from '../promotion/gate.js';
import { executionNameFor, parseBuildVersionArn } from '../promotion/naming.js';
import { planPromotion } from '../promotion/plan.js';
import type { FindingCounts } from '../promotion/types.js';
import type { ExplainFacts } from './context.js';

/** The catalog image and build version of a build ARN, when the ARN names one of our recipes. */
function ourBuild(facts: ExplainFacts, arn: string): { image: string; version: string } | { foreign: string } {
  let ref: { name: string; buildVersion: string };
  try {
    ref = parseBuildVersionArn(arn);
  } catch {
    return { foreign: `${arn} is not an image build version ARN` };
  }
  const image = facts.recipes.get(ref.name.toLowerCase());
  return image === undefined
    ? { foreign: `"${ref.name}" is not one of our recipes` }
    : { image, version: ref.buildVersion };
}

/**
 * What on-image-event would do with an image state change: ignore a build that is not ours; otherwise record the
 * status, then start the promotion (AVAILABLE) or announce the failure (FAILED, CANCELLED).
 */
export function describeImageStateChange(facts: ExplainFacts, event: EventOf<'image-state-change'>): string[] {
  const arn = event.resources[0];
  const build = ourBuild(facts, arn);
  if ('foreign' in build) return [`would ignore it: ${build.foreign}`];
  const { image, version } = build;
  const { status, reason } = event.detail.state;
  const record = `would record ${image} ${version} as ${status} in the ledger`;
  if (status === 'AVAILABLE') {
    const channels = planPromotion(facts.catalog, image).channels.map((c) => c.name);
    return [record, `would start promotion execution ${executionNameFor(arn)} through ${channels.join(' → ')}`];
  }
  if (status === 'FAILED' || status === 'CANCELLED') {
    return [record, `would record and announce build failure (${reason ?? 'Image Builder gave no reason'})`];
  }
  return [record];
}

/** Channels whose policy these counts alone break, with the first reason: the revocation on-finding would ask for. */
function breachedChannels(facts: ExplainFacts, image: string, counts: FindingCounts): string[] {
  return planPromotion(facts.catalog, image).channels.flatMap((c) => {
    const breach = policyBreach(counts, c.policy);
    return breach === undefined ? [] : [`${c.name} (${breach})`];
  });
}

/**
 * What on-finding would do with "EC2 Image Builder CVE Detected": record one finding per counted slot on our build,
 * and request revocation from the promoted channels whose policy the findings break.
 */
export function describeCveDetected(facts: ExplainFacts, event: EventOf<'image-cve-detected'>): string[] {
  const counts = event.detail['finding-severity-counts'];
  const total = counts.critical + counts.high + counts.medium;
  if (total === 0) return ['would ignore it: no active findings (critical, high and medium counts are 0)'];
  const build = ourBuild(facts, event.resources[0]);
  if ('foreign' in build) return [`would ignore it: ${build.foreign}`];
  const tally: FindingCounts = { ...counts, low: 0, other: 0 };
  const breached = breachedChannels(facts, build.image, tally);
  return [
    `would record ${total} findings on ${build.image} ${build.version} (critical ${counts.critical}, high ${counts.high}, medium ${counts.medium})`,
    breached.length === 0
      ? 'would revoke nothing: the findings are within every channel policy'
      : `would request revocation where the build is promoted, and announce it: ${breached.join(', ')}`,
  ];
}

/**
 * What on-finding would do with "Inspector2 Finding": ignore closed or suppressed findings and findings on no AMI;
 * otherwise find the build of the AMI (DescribeImages) and, when it is ours, record the finding and check policies.
 */
export function describeInspectorFinding(event: EventOf<'inspector-finding'>): string[] {
  const d = event.detail;
  if (d.status !== 'ACTIVE') return [`would ignore it: the finding is ${d.status}, not ACTIVE`];
  const resource = d.resources.find((r) => r.details?.awsEc2Instance?.imageId);
  const imageId = resource?.details?.awsEc2Instance?.imageId;
  if (!imageId) return ['would ignore it: the finding is not about an Image Builder AMI'];
  const id = d.packageVulnerabilityDetails?.vulnerabilityId ?? d.findingArn;
  // Stryker disable next-line OptionalChaining: a resource is found whenever its image id is, which the return above checks
  const region = resource?.region ?? event.region;
  return [
    `would look up which build made ${imageId} in ${region}; if it is ours, record ${id} (${d.severity}) on it`,
    'would request revocation from promoted channels whose policy its findings then break, and announce it',
  ];
}
