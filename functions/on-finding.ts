import { getChannelPointers } from '../aws/channel-pointers.js';
import { announce } from '../aws/notifications.js';
import { recordFinding, requestRevocation } from '../aws/promotion-findings.js';
import { buildArnOfAmi, describeBuild } from '../aws/promotion-images.js';
import { listOutcomes } from '../aws/promotion-ledger.js';
import { MalformedEventError } from '../core/errors.js';
import { respondToFindings } from '../core/lifecycle/finding-response.js';
import { announcement } from '../core/notifications/announce.js';
import { buildLinks } from '../core/notifications/links.js';
import { parseBuildVersionArn } from '../core/promotion/naming.js';
import { imageCveDetectedSchema } from '../events/image-cve-detected.js';
import { inspectorFindingSchema } from '../events/inspector-finding.js';
import { requestOutOfCycleRebuild } from './lifecycle/out-of-cycle.js';
import { revokeVersion } from './lifecycle/revoke.js';
import { currentFindings } from './promotion/findings.js';
import { taskHandler } from './promotion/lambda.js';
import { catalogImageOf, promotionPlans } from './promotion/plans.js';

/** What on-finding did. */
export type FindingAction =
  | { action: 'ignored'; reason: string }
  | {
      action: 'recorded';
      image: string;
      version: string;
      findings: number;
      revocation?: { channels: string[]; reason: string };
      /** An out-of-cycle rebuild was requested (a pointer names this version). */
      rebuilt?: boolean;
      /** It was revoked at once (`vulnerabilities.revokeOn`). */
      revoked?: boolean;
    };

type Finding = { findingId: string; severity: string; source: string };

/** The build version ARN and findings an event speaks of (Inspector names an AMI; CVE Detected, a build). */
async function findingsOf(event: unknown): Promise<{ buildVersionArn?: string | undefined; findings: Finding[] }> {
  const inspector = inspectorFindingSchema.safeParse(event);
  if (inspector.success) {
    const d = inspector.data.detail;
    // A closed or suppressed finding no longer counts against the image.
    if (d.status !== 'ACTIVE') return { findings: [] };
    const resource = d.resources.find((r) => r.details?.awsEc2Instance?.imageId);
    const imageId = resource?.details?.awsEc2Instance?.imageId;
    const region = resource?.region ?? inspector.data.region;
    const buildVersionArn = imageId ? await buildArnOfAmi(region, imageId) : undefined;
    const findingId = d.packageVulnerabilityDetails?.vulnerabilityId ?? d.findingArn;
    return { buildVersionArn, findings: [{ findingId, severity: d.severity, source: 'inspector2' }] };
  }
  const cve = imageCveDetectedSchema.safeParse(event);
  if (cve.success) {
    // CVE Detected carries counts, not ids: one finding per counted slot, so a re-delivery overwrites, never adds.
    const counts = cve.data.detail['finding-severity-counts'];
    const findings = (['critical', 'high', 'medium'] as const).flatMap((severity) =>
      Array.from({ length: counts[severity] }, (_, i) => ({
        findingId: `imagebuilder-scan:${severity}:${i + 1}`,
        severity: severity.toUpperCase(),
        source: 'imagebuilder',
      })),
    );
    return { buildVersionArn: cve.data.resources[0], findings };
  }
  throw new MalformedEventError('expected "Inspector2 Finding" or "EC2 Image Builder CVE Detected"');
}

/**
 * "Inspector2 Finding" / "EC2 Image Builder CVE Detected": records findings on our builds (`FINDINGS#`), which the
 * soak check and later gates read. When a build already promoted to a channel now breaks that channel's policy, a
 * revocation is requested and announced; if a channel pointer names it, the image is rebuilt out of cycle at once
 * ("Image Rebuild Requested", recorded with the finding's time); if a breached channel's `revokeOn` names a severity
 * found, it is revoked at once (pointers roll back, descendants rebuild).
 */
export async function onFinding(event: unknown): Promise<FindingAction> {
  const { buildVersionArn, findings } = await findingsOf(event);
  if (!buildVersionArn) return { action: 'ignored', reason: 'the finding is not about an Image Builder AMI' };
  if (findings.length === 0) return { action: 'ignored', reason: 'no active findings' };
  const plans = promotionPlans();
  const image = catalogImageOf(await describeBuild(buildVersionArn), plans);
  const plan = image ? plans[image] : undefined;
  if (!image || !plan) return { action: 'ignored', reason: `${buildVersionArn} was not built by a Goldsmith pipeline` };
  const { buildVersion: version } = parseBuildVersionArn(buildVersionArn);
  const at = new Date().toISOString();
  for (const f of findings) await recordFinding({ image, version, ...f, at });

  const promoted = (await listOutcomes(image, version)).filter((o) => o.outcome === 'promoted').map((o) => o.channel);
  if (promoted.length === 0) return { action: 'recorded', image, version, findings: findings.length };
  const counts = await currentFindings(image, version, buildVersionArn);
  const pointers = await getChannelPointers(
    image,
    plan.channels.map((c) => c.name),
  );
  const response = respondToFindings({
    version,
    counts,
    promotedTo: promoted,
    channels: plan.channels,
    pointers: Object.fromEntries(pointers.flatMap((p) => (p ? [[p.channel, p.version]] : []))),
  });
  const reason = response.reason;
  if (!reason) return { action: 'recorded', image, version, findings: findings.length };
  const channels = response.breached;
  if (await requestRevocation({ image, version, reason, channels, state: 'requested', at })) {
    for (const channel of channels) {
      await announce(
        announcement(
          'revocation-requested',
          { image, version, channel },
          { reason, channels },
          { at, links: buildLinks(buildVersionArn) },
        ),
      );
    }
  }
  const busName = process.env.EVENT_BUS_NAME;
  if (!busName) throw new Error('EVENT_BUS_NAME is not set');
  if (response.rebuild) await requestOutOfCycleRebuild({ image, version, channels, reason, at, busName });
  const revoked = response.revoke
    ? await revokeVersion(
        { image, version, reason, by: 'goldsmith (vulnerabilities.revokeOn)', at: new Date(at) },
        plans,
        busName,
      )
    : undefined;
  return {
    action: 'recorded',
    image,
    version,
    findings: findings.length,
    revocation: { channels, reason },
    rebuilt: response.rebuild,
    revoked: revoked !== undefined,
  };
}

export const handler = taskHandler('on-finding', onFinding);
