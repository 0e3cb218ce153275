import { inventoryOf } from '../aws/builds/image-packages.js';
import { isActiveOrganizationAccount, recordFleetFinding } from '../aws/fleet/fleet-findings.js';
import { findingsReader, listedFinding, readerName, regionOfFindingArn } from '../aws/lifecycle/inspector-findings.js';
import {
  getRevocation,
  recordFinding,
  recordFindingArrival,
  requestRevocation,
} from '../aws/lifecycle/promotion-findings.js';
import { announce } from '../aws/notifications/notifications.js';
import { getChannelPointers } from '../aws/promotion/channel-pointers.js';
import { scanFindings } from '../aws/promotion/promotion-images.js';
import { listOutcomes } from '../aws/promotion/promotion-ledger.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { findingOutcomeText, respondToFindings } from '../core/lifecycle/finding-response.js';
import { scopeOfInstanceFinding } from '../core/lifecycle/finding-scope.js';
import { announcement } from '../core/notifications/announce.js';
import { buildLinks } from '../core/notifications/links.js';
import { countFindings as countSeverities } from '../core/promotion/gate.js';
import type { PromotionPlan } from '../core/promotion/types.js';
import { revokeAtOnce } from './findings/revoke-at-once.js';
import {
  type Finding,
  type OwnBuild,
  ownBuild,
  ownBuildOfAmi,
  readFindingEvent,
  readInstanceFinding,
} from './findings/sources.js';
import { logger } from './lib/powertools.js';
import { requestOutOfCycleRebuild } from './lifecycle/out-of-cycle.js';
import { currentFindings } from './promotion/findings.js';
import { taskHandler } from './promotion/lambda.js';
import { promotionPlans } from './promotion/plans.js';

/** What on-finding did. */
export type FindingAction =
  | { action: 'ignored'; reason: string }
  /** Not accepted: from an account outside the organization, or not delivered as AWS delivers findings. */
  | { action: 'refused'; reason: string }
  /** The instance owner's (a package installed later, a network setting): recorded and announced, nothing more. */
  | { action: 'fleet'; image: string; version: string; account: string; reason: string; announced: boolean }
  | {
      action: 'recorded';
      image: string;
      version: string;
      findings: number;
      revocation?: { channels: string[]; reason: string };
      /** An out-of-cycle rebuild was requested (a pointer names this version). */
      rebuilt?: boolean;
      /** Revoked at once (`vulnerabilities.revokeOn`): its "Image Revoked" carried out by on-lifecycle-request (findings/revoke-at-once.ts). */
      revoked?: boolean;
    };

/**
 * "Inspector2 Finding" / "EC2 Image Builder CVE Detected". The event only says where to look: a scan's findings are
 * what Image Builder lists for the build, an instance finding is what Inspector lists under its ARN, whoever invoked
 * the function with whatever payload. A finding counts against a version only when it is about
 * the version's own content (core/lifecycle/finding-scope.ts): the factory's own scan of the build, named by its full
 * ARN, or a package vulnerability on an instance launched from one of its AMIs, in an account of the organization,
 * whose package at that version the image was built with. Those are recorded (`FINDINGS#`, read by the soak check and
 * later gates); when a promoted build now breaks a channel's policy, a revocation is requested and announced, a live
 * version is rebuilt out of cycle; a new finding of a severity a promoted channel's `revokeOn` names revokes it at once. Anything else on such an instance is a fleet
 * finding: recorded and announced once, never a reason to abort, revoke or rebuild.
 */
export async function onFinding(event: unknown): Promise<FindingAction> {
  const read = readFindingEvent(event);
  if (read.kind === 'none') return { action: 'ignored', reason: read.reason };
  const plans = promotionPlans();
  const at = new Date().toISOString();

  if (read.kind === 'scan') {
    if (read.counted === 0) return { action: 'ignored', reason: 'no active findings' };
    const build = await ownBuild(read.buildVersionArn, plans);
    if ('notOurs' in build) return { action: 'ignored', reason: build.notOurs };
    // The event only says where to look: what counts is what Image Builder lists for the build now, whoever sent it.
    const listed = await scanFindings(build.buildVersionArn);
    if (listed.length === 0) {
      return { action: 'ignored', reason: `Image Builder lists no scan findings for ${build.buildVersionArn}` };
    }
    const findings = listed.map((f, i) => ({
      findingId: f.vulnerabilityId ?? `imagebuilder-scan:${f.severity.toLowerCase()}:${i + 1}`,
      severity: f.severity,
      source: 'imagebuilder',
    }));
    return countFindings(build, findings, plans, at);
  }

  // The event only names the finding: Goldsmith weighs what Inspector's delegated administrator lists under that ARN
  // (the factory itself, or a security account through the role it grants), never the event's copy.
  const reader = findingsReader();
  const listed = await listedFinding(read.findingArn, reader);
  if (listed === undefined) return refuse(`Inspector lists no finding ${read.findingArn} to ${readerName(reader)}`);
  const truth = readInstanceFinding(listed, regionOfFindingArn(read.findingArn) ?? '');
  if ('none' in truth) return { action: 'ignored', reason: truth.none };
  const build = await ownBuildOfAmi(truth.region, truth.imageId, plans);
  if ('notOurs' in build) return { action: 'ignored', reason: build.notOurs };
  const inOrganization =
    truth.resourceAccount === build.factoryAccount || (await isActiveOrganizationAccount(truth.resourceAccount));
  const inventory =
    inOrganization && truth.type === 'PACKAGE_VULNERABILITY'
      ? await inventoryOf(build.image, build.version, build.buildVersionArn, at)
      : new Map<string, string[]>();
  const scope = scopeOfInstanceFinding({
    factoryAccount: build.factoryAccount,
    // Listed by the organization's delegated administrator: as delivered to the factory, whichever account the event named.
    eventAccount: build.factoryAccount,
    resourceAccount: truth.resourceAccount,
    inOrganization,
    type: truth.type,
    vulnerablePackages: truth.packages,
    inventory,
  });
  if (scope.scope === 'refused') return refuse(`${truth.findingArn}: ${scope.reason}`);
  if (scope.scope === 'image') return countFindings(build, [truth.finding], plans, at);

  const { image, version } = build;
  const packages = truth.packages.map((p) => `${p.name} ${p.version}`);
  const fleet = {
    image,
    version,
    account: truth.resourceAccount,
    resource: truth.resource,
    region: truth.region,
    findingArn: truth.findingArn,
    severity: truth.finding.severity,
    vulnerabilityId: truth.vulnerabilityId,
    packages,
    reason: scope.reason,
    at,
  };
  const isNew = await recordFleetFinding(fleet);
  if (isNew) {
    const serious = ['CRITICAL', 'HIGH'].includes(truth.finding.severity);
    await announce(
      announcement(
        'fleet-finding',
        { image, version },
        {
          account: fleet.account,
          resource: fleet.resource,
          region: fleet.region,
          findingSeverity: fleet.severity,
          ...(fleet.vulnerabilityId ? { vulnerabilityId: fleet.vulnerabilityId } : {}),
          packages,
          reason: scope.reason,
        },
        { at, key: truth.findingArn, severity: serious ? 'warning' : 'info' },
      ),
    );
  }
  return { action: 'fleet', image, version, account: truth.resourceAccount, reason: scope.reason, announced: isNew };
}

/** Refuses a finding once, with its reason: logged, nothing recorded, nothing retried. */
function refuse(reason: string): FindingAction {
  logger.warn('finding refused', { reason });
  return { action: 'refused', reason };
}

/**
 * Records findings that count against a build and acts on them: when a build already promoted to a channel now
 * breaks that channel's policy, a revocation is requested and announced; if a channel pointer names it, the image
 * is rebuilt out of cycle at once ("Image Rebuild Requested", recorded with the finding's time); if a promoted
 * channel's `revokeOn` names a severity a new finding carries, it is revoked at once, whatever `max*` allows
 * (carried out by on-lifecycle-request, which rolls pointers back and rebuilds descendants: findings/revoke-at-once.ts). Every arrival is recorded with what was done (`FOUND#`, for `history`).
 */
async function countFindings(
  build: OwnBuild,
  findings: readonly Finding[],
  plans: Record<string, PromotionPlan>,
  at: string,
): Promise<FindingAction> {
  const { image, version, buildVersionArn } = build;
  const plan = plans[image];
  if (!plan) return { action: 'ignored', reason: `${image} is not in the catalog` };
  for (const f of findings) await recordFinding({ image, version, ...f, at });

  const arrived = countSeverities(findings.map((f) => f.severity));
  // Each arrival is recorded once what it led to is done: a retry before that acts again (each step is idempotent).
  const recordArrival = (done: string) => recordFindingArrival({ image, version, at, findings, counts: arrived, done });
  const promoted = (await listOutcomes(image, version)).filter((o) => o.outcome === 'promoted').map((o) => o.channel);
  if (promoted.length === 0) {
    await recordArrival(findingOutcomeText(undefined, false, build));
    return { action: 'recorded', image, version, findings: findings.length };
  }
  const counts = await currentFindings(image, version, buildVersionArn);
  const pointers = await getChannelPointers(
    image,
    plan.channels.map((c) => c.name),
  );
  const response = respondToFindings({
    version,
    arrived,
    counts,
    promotedTo: promoted,
    channels: plan.channels,
    pointers: Object.fromEntries(pointers.flatMap((p) => (p ? [[p.channel, p.version]] : []))),
  });
  const reason = response.reason;
  if (!reason) {
    await recordArrival(findingOutcomeText(response, false, build));
    return { action: 'recorded', image, version, findings: findings.length };
  }
  const channels = response.channels;
  const requested = await requestRevocation({ image, version, reason, channels, state: 'requested', at });
  if (requested) {
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
  if (response.revoke) await revokeAtOnce({ image, version, buildVersionArn, channels, reason, at, busName });
  // No request recorded over a revocation recorded before: the line says how that one stands.
  const recorded = requested || response.revoke ? undefined : await getRevocation(image, version);
  // A request at this arrival's time is its own (recorded by a first attempt that stopped before the line).
  const standing = recorded?.state === 'requested' && recorded.at === at ? undefined : recorded?.state;
  await recordArrival(findingOutcomeText(response, response.revoke, build, standing));
  return {
    action: 'recorded',
    image,
    version,
    findings: findings.length,
    revocation: { channels, reason },
    rebuilt: response.rebuild,
    revoked: response.revoke,
  };
}

export const handler = taskHandler('on-finding', onFinding, recordFailedInvocation);
