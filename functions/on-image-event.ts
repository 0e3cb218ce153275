import { recordBuildCost } from '../aws/builds/build-cost.js';
import { markBuildHandled } from '../aws/builds/build-handling.js';
import { inventoryOf } from '../aws/builds/image-packages.js';
import { announce } from '../aws/notifications/notifications.js';
import { getChannelPointer } from '../aws/promotion/channel-pointers.js';
import { pointerChanges } from '../aws/promotion/pointer-changes.js';
import { describeBuild } from '../aws/promotion/promotion-images.js';
import {
  buildAnnounced,
  markBuildAnnounced,
  recordBuildParent,
  recordBuildStatus,
} from '../aws/promotion/promotion-ledger.js';
import { startNamedExecution } from '../aws/promotion/stepfunctions.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { ledgerBuildCost } from '../core/cost/build-record.js';
import { priceTable } from '../core/cost/prices.js';
import { MalformedEventError } from '../core/errors.js';
import type { PackageInventory } from '../core/lifecycle/finding-scope.js';
import { lineageRecorded, parentVersionAt } from '../core/lifecycle/parent-at.js';
import { announcement } from '../core/notifications/announce.js';
import { buildLinks } from '../core/notifications/links.js';
import { executionNameFor, parseBuildVersionArn } from '../core/promotion/naming.js';
import type { PromotionInput, PromotionPlan } from '../core/promotion/types.js';
import { imageStateChangeSchema } from '../events/image-state-change.js';
import { weighFailedBuild } from './builds/breaker.js';
import { keepContent, keepVersionSboms } from './builds/content.js';
import { checkPackageReleaseBuilt } from './builds/package-claim.js';
import { bundledCatalog } from './lib/catalog.js';
import { logger } from './lib/powertools.js';
import { taskHandler } from './promotion/lambda.js';
import { catalogImageOf, promotionPlans } from './promotion/plans.js';

/** What on-image-event did, for logs and tests. */
export type ImageEventAction =
  | { action: 'ignored'; reason: string }
  | { action: 'recorded'; image: string; version: string; status: string }
  | { action: 'promotion-started' | 'promotion-already-started'; image: string; version: string; executionName: string }
  | { action: 'announced-failure'; image: string; version: string; status: string; reason: string };

/** A build reaching a status: what an "Image State Change" event says, or what the reconciler found listed. */
export interface BuildStatusChange {
  buildVersionArn: string;
  status: string;
  reason?: string | undefined;
  /** When the status was reached or observed (ISO). */
  at: string;
}

/** The component Image Builder's failure reason names, e.g. `… step ExecuteComponent failed … component "base-agents" …`. */
function failedComponent(reason: string): { component?: string } {
  const m = /component[^"'\w]*["']?([A-Za-z0-9._/-]+)["']?/i.exec(reason);
  return m?.[1] ? { component: m[1] } : {};
}

const FINAL = new Set(['AVAILABLE', 'FAILED', 'CANCELLED']);
const iso = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The finished build's cost estimate, from the ledger's times and the bundled price table, kept once. */
async function recordFinishedBuildCost(
  image: string,
  version: string,
  status: string,
  at: string,
  item: Record<string, unknown>,
): Promise<void> {
  const catalog = bundledCatalog();
  const spec = catalog.images[image];
  if (!spec) return;
  const times = {
    requestedAt: iso(item.requestedAt),
    buildingAt: iso(item.buildingAt),
    instancesStoppedAt: iso(item.instancesStoppedAt),
    finishedAt: at,
  };
  await recordBuildCost(
    image,
    version,
    ledgerBuildCost({ image, version, spec, status, times }, priceTable(catalog.prices)),
  );
}

/**
 * Records an AMI build's package inventory as built, before its promotion starts: on-finding counts a finding on a
 * team's instance against the version only when the vulnerable package is in it. A failure here does not hold the
 * promotion back: on-finding lists the inventory itself when none was recorded.
 */
async function keepInventory(
  image: string,
  version: string,
  arn: string,
  isAmi: boolean,
  at: string,
): Promise<PackageInventory | undefined> {
  if (!isAmi) return undefined;
  try {
    return await inventoryOf(image, version, arn, at);
  } catch (error) {
    logger.warn('package inventory not recorded', { image, version, error: String(error) });
    return undefined;
  }
}

/**
 * The parent build a build of `plan` was made from: the version its parent's channel pointer named when Image Builder
 * created the build (`dateCreated`, "the date on which Image Builder created this image":
 * https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/imagebuilder/aws.sdk.kotlin.services.imagebuilder.model/-image-summary/date-created.html),
 * from the pointer's recorded moves, not its value now (a revocation since may have rolled it back). When that
 * cannot be told, `unknown` says why, and the build is held (core/lifecycle/lineage-hold.ts).
 */
async function parentOfBuild(
  plan: PromotionPlan,
  createdAt: string | undefined,
): Promise<{ image: string; channel: string; buildVersion?: string; unknown?: string } | undefined> {
  if (!plan.parent) return undefined;
  const { image, channel } = plan.parent;
  const [changes, now] = await Promise.all([pointerChanges(image, channel), getChannelPointer(image, channel)]);
  const at = parentVersionAt(`${image}/${channel}`, changes, createdAt, now?.version);
  return 'version' in at ? { image, channel, buildVersion: at.version } : { image, channel, unknown: at.unknown };
}

/**
 * "EC2 Image Builder Image State Change": records every status a build of ours reaches (with its lineage), starts
 * the promotion when it is AVAILABLE (one execution per build: the name is derived from the build ARN) and gives back
 * the claim of a package release the build does not hold (builds/package-claim.ts), and announces FAILED / CANCELLED
 * builds with Image Builder's reason. Those are never promoted.
 */
export async function onImageEvent(event: unknown): Promise<ImageEventAction> {
  const parsed = imageStateChangeSchema.safeParse(event);
  if (!parsed.success) throw new MalformedEventError(`EC2 Image Builder Image State Change: ${parsed.error.message}`);
  const { state } = parsed.data.detail;
  return actOnBuildStatus({
    buildVersionArn: parsed.data.resources[0],
    status: state.status,
    reason: state.reason,
    at: parsed.data.time,
  });
}

/**
 * What on-image-event does for one status of one build, shared with the reconciler so a missed event gets exactly
 * the same, idempotent, treatment: GetImage to check the build is ours, record the status, then start the
 * promotion (deterministic execution name) or announce the failure (once) and weigh it on the image's build circuit
 * breaker, and mark the status handled.
 */
export async function actOnBuildStatus(change: BuildStatusChange): Promise<ImageEventAction> {
  const { buildVersionArn, status, at } = change;
  const { buildVersion: version } = parseBuildVersionArn(buildVersionArn);

  const plans = promotionPlans();
  const facts = await describeBuild(buildVersionArn);
  const image = catalogImageOf(facts, plans);
  const plan = image ? plans[image] : undefined;
  if (!image || !plan) return { action: 'ignored', reason: `${buildVersionArn} was not built by a Goldsmith pipeline` };

  const reason = change.reason ?? facts.reason;
  let item = await recordBuildStatus({
    image,
    version,
    buildVersionArn,
    status,
    reason,
    at,
    ...(plan.parent && { parentApart: true }),
  });
  // Lineage: the parent build this build was made from, looked up once, by the first status whose write found none
  // recorded (if_not_exists keeps the first answer, so a later status's lookup would change nothing).
  if (plan.parent && !lineageRecorded(item)) {
    item = await recordBuildParent(image, version, await parentOfBuild(plan, facts.createdAt));
  }
  if (FINAL.has(status)) await recordFinishedBuildCost(image, version, status, at, item);

  if (status === 'AVAILABLE') {
    const inventory = await keepInventory(image, version, buildVersionArn, facts.amis.length > 0, at);
    const content = await keepContent({ image, version, buildVersionArn, at }, facts, item);
    const executionName = executionNameFor(buildVersionArn);
    const stateMachineArn = process.env.STATE_MACHINE_ARN;
    if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
    const input: PromotionInput = { image, buildVersionArn, version, plan };
    const started = await startNamedExecution(stateMachineArn, executionName, input);
    if (started === 'already-started') logger.info('promotion already started', { executionName });
    // Announced whether this attempt or an earlier one started the promotion: an attempt that started it and failed
    // before announcing left the announcement to its retry, which meets ExecutionAlreadyExists once the execution has
    // closed (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html). Its id is a
    // hash of event, image and version, claimed once, so it goes out once.
    await announce(
      announcement(
        'image-available',
        { image, version },
        { amis: facts.amis },
        { at, links: buildLinks(buildVersionArn) },
      ),
    );
    // Before the status is marked handled: a failure here is retried (or left to the reconciler), which checks again.
    if (facts.amis.length > 0) await checkPackageReleaseBuilt({ image, version, buildVersionArn, item, at });
    // The SBOMs after the promotion started, before the status is marked handled: a failure is retried (or left to
    // the reconciler), and rewriting the same documents changes nothing.
    if (content) await keepVersionSboms(content, inventory, at, facts.containerUris);
    await markBuildHandled(image, version, status, at);
    return {
      action: started === 'started' ? 'promotion-started' : 'promotion-already-started',
      image,
      version,
      executionName,
    };
  }
  if (status === 'FAILED' || status === 'CANCELLED') {
    const why = reason ?? 'Image Builder gave no reason';
    // Announce first, then mark: a crash in between announces twice rather than never.
    if (!(await buildAnnounced(image, version))) {
      await announce(
        announcement(
          'build-failed',
          { image, version },
          { status, reason: why, ...failedComponent(why) },
          { at, links: buildLinks(buildVersionArn) },
        ),
      );
      await markBuildAnnounced(image, version, at);
    }
    // Before the status is marked handled: a crash here leaves it to the reconciler, which weighs it again.
    if (status === 'FAILED') await weighFailedBuild(image, at);
    await markBuildHandled(image, version, status, at);
    return { action: 'announced-failure', image, version, status, reason: why };
  }
  return { action: 'recorded', image, version, status };
}

export const handler = taskHandler('on-image-event', onImageEvent, recordFailedInvocation);
