import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readBreakers } from '../aws/builds/build-breaker.js';
import { buildVersionOf, runningBuilds, startPipelineExecution } from '../aws/builds/imagebuilder.js';
import { markIntentDone, recordIntent } from '../aws/builds/intents.js';
import { announce } from '../aws/notifications/notifications.js';
import { getOutcome } from '../aws/promotion/promotion-ledger.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { claimMarker, markStarted, readMarkers, recordBuildRequested } from '../aws/triggers/ledger.js';
import { recordDecision } from '../aws/triggers/ledger-decisions.js';
import { readParameters } from '../aws/triggers/ssm.js';
import type { Catalog } from '../core/config/schema.js';
import { parseDuration } from '../core/duration.js';
import { MalformedEventError } from '../core/errors.js';
import { changeKeyProblem } from '../core/limits/input-bounds.js';
import { announcement } from '../core/notifications/announce.js';
import { buildLinks } from '../core/notifications/links.js';
import { metricNames } from '../core/observability/metrics.js';
import { isMonthlyPatchDay } from '../core/schedule/index.js';
import { affectedImages, parametersForNotice } from '../core/triggers/affected.js';
import { type Change, changeIdOf, changeIdText, changeTimeOf } from '../core/triggers/change.js';
import { type Decision, decideBuilds } from '../core/triggers/decide.js';
import { dedupeKeyFor } from '../core/triggers/dedupe.js';
import { changeFromEvent, type TriggerInput } from '../core/triggers/from-events.js';
import { observedNoLaterThan, scheduleWindowRefusal } from '../core/triggers/window.js';
import { FactContradictsLedgerError, imagePromotedContradiction } from '../core/trust/facts.js';
import { type AmazonLinuxAmiUpdateEvent, releaseNotices } from '../events/amazon-linux-ami-update.js';
import type { ImagePromotedDetail } from '../events/image-promoted.js';
import { classifyEvent } from '../events/registry.js';
import { bundledCatalog, pipelineArnOf } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics } from './lib/powertools.js';

type StartBuildsInput = TriggerInput | { kind: 'amazon-linux-ami-update'; event: AmazonLinuxAmiUpdateEvent };

const ACCEPTED = new Set<string>([
  'scheduled-build',
  'base-image-changed',
  'package-version-state-change',
  'package-update',
  'image-promoted',
  'image-rebuild-requested',
  'amazon-linux-ami-update',
]);

/** Parses any trigger through the events registry; anything else is malformed for this function. */
export function parseTrigger(raw: unknown): StartBuildsInput {
  const classified = classifyEvent(raw);
  if (!classified.known) throw new MalformedEventError('not an event start-builds knows');
  if (!classified.valid) throw new MalformedEventError(`${classified.kind}: ${classified.reason}`);
  if (!ACCEPTED.has(classified.kind)) throw new MalformedEventError(`start-builds does not act on ${classified.kind}`);
  return classified as StartBuildsInput;
}

/** An AMI-update notice names no AMI: read the parameters it concerns, in the region the pipelines build in. */
async function changesFromNotice(catalog: Catalog, event: AmazonLinuxAmiUpdateEvent): Promise<Change[]> {
  const region = catalog.organization.homeRegion;
  const changes: Change[] = [];
  for (const [index, notice] of releaseNotices(event).entries()) {
    const topicArn = event.Records[index]?.Sns.TopicArn ?? '';
    const parameters = parametersForNotice(catalog, topicArn);
    const values = await readParameters(parameters, region);
    for (const parameter of parameters) {
      const value = values.get(parameter);
      if (!value) throw new Error(`base-image parameter ${parameter} not found in ${region}`);
      changes.push({ kind: 'base-image', parameter, region, amiId: value.value, observedAt: notice.publishedAt });
    }
  }
  return changes;
}

/** What happened to one decision: the outcome recorded, which may be a skip when another delivery won the claim. */
export interface ActedDecision {
  image: string;
  outcome: 'start' | 'skip';
  reason: string;
  buildVersionArn?: string;
}

/** Starts one decided build: claim, start with the client token, confirm, record. Returns the outcome recorded. */
async function act(decision: Decision, now: Date): Promise<Omit<ActedDecision, 'image'>> {
  if (decision.outcome === 'skip') return { outcome: 'skip', reason: decision.reason };
  // Claim first: a crash after the claim leaves a `claimed` marker the next delivery resumes with the same token.
  if (!decision.resume && !(await claimMarker(decision, now))) {
    return { outcome: 'skip', reason: `${decision.dedupeKey} was claimed concurrently by another delivery` };
  }
  const buildVersionArn = await startPipelineExecution(pipelineArnOf(decision.image), decision.clientToken);
  await markStarted(decision.dedupeKey, buildVersionArn);
  await recordBuildRequested(decision, { buildVersion: buildVersionOf(buildVersionArn), buildVersionArn }, now);
  return { outcome: 'start', reason: decision.reason, buildVersionArn };
}

/**
 * Tells people about a build decision: every build requested, and every skip a person would want to know about (not
 * the schedule's daily "not a patch day", nor a re-delivered copy of the same change). The id derives from the
 * dedupe key and change, so a retried delivery announces with the same id.
 */
async function announceDecision(decision: Decision, result: Omit<ActedDecision, 'image'>, now: Date): Promise<void> {
  const at = now.toISOString();
  if (result.outcome === 'start') {
    const version = result.buildVersionArn ? buildVersionOf(result.buildVersionArn) : undefined;
    await announce(
      announcement(
        'build-requested',
        { image: decision.image, version },
        { trigger: decision.trigger, reason: result.reason },
        { at, key: decision.dedupeKey, links: buildLinks(result.buildVersionArn) },
      ),
    );
    return;
  }
  const routine =
    result.reason.startsWith('not a patch day') ||
    result.reason.startsWith(`duplicate of ${changeIdText(decision.changeId)} `);
  if (routine) return;
  await announce(
    announcement(
      'build-skipped',
      { image: decision.image },
      { trigger: decision.trigger, reason: result.reason },
      { at, key: `${decision.dedupeKey}\n${decision.changeId}` },
    ),
  );
}

/** True for a monthly-patch schedule's firing on a candidate day that is not the patch day. */
function notAPatchDay(catalog: Catalog, change: Change): boolean {
  if (change.kind !== 'schedule') return false;
  const schedule = catalog.images[change.image]?.schedule;
  return schedule?.type === 'monthly-patch' && !isMonthlyPatchDay(schedule, new Date(change.scheduledTime));
}

/** Why the ledger could not hold this change's keys (core/limits/input-bounds.ts), or undefined when it can. */
export function keyRefusalOf(catalog: Catalog, change: Change): string | undefined {
  const dedupeKeys = affectedImages(catalog, change).map((image) => dedupeKeyFor(catalog, change, image));
  return changeKeyProblem({ time: changeTimeOf(change), id: changeIdOf(change) }, dedupeKeys);
}

/**
 * Decides and acts on one change: record the intent (before any Image Builder call, so the reconciler can re-issue
 * it if this invocation never gets to start anything), read the markers, running builds and build circuit breakers of
 * the affected images, decide (core), then for each decision start or skip, recording every decision with its reason in the ledger, and
 * finally mark the intent done with what was decided.
 */
export async function startBuildsForChange(
  catalog: Catalog,
  change: Change,
  now: Date = new Date(),
): Promise<ActedDecision[]> {
  const images = affectedImages(catalog, change);
  // Refused once, with its reason, before anything is recorded: no intent, so no reconciler run re-issues it.
  const refusal = keyRefusalOf(catalog, change);
  if (refusal) {
    logger.error('change refused', { reason: refusal });
    metrics.addMetric('ChangesRefused', MetricUnit.Count, 1);
    return [];
  }
  // A schedule firing on a candidate day that is not the patch day decides "skip" from the catalog alone: no intent.
  const intended = images.length > 0 && !notAPatchDay(catalog, change);
  if (intended) await recordIntent(change, now);
  const markers = await readMarkers(images.map((image) => dedupeKeyFor(catalog, change, image)));
  const running = new Map(
    await Promise.all(images.map(async (image) => [image, await runningBuilds(pipelineArnOf(image))] as const)),
  );
  // Every path that starts a build comes through here: an image whose last builds all failed is refused, with why.
  const breakers = await readBreakers(images);
  const acted: ActedDecision[] = [];
  for (const decision of decideBuilds({ change, catalog, running, markers, breakers })) {
    const result = await act(decision, now);
    await recordDecision(decision, result, now);
    await announceDecision(decision, result, now);
    metrics.addMetric(result.outcome === 'start' ? 'BuildsStarted' : 'BuildsSkipped', MetricUnit.Count, 1);
    if (result.outcome === 'start') {
      const byTrigger = metrics.singleMetric();
      byTrigger.addDimensions({ image: decision.image, trigger: decision.trigger });
      byTrigger.addMetric(metricNames.buildsStarted, MetricUnit.Count, 1);
    }
    logger.info('build decision', { ...decision, ...result });
    acted.push({ image: decision.image, ...result });
  }
  if (intended) {
    const outcome = acted.map((a) => `${a.image}: ${a.outcome} ${a.buildVersionArn ?? a.reason}`);
    await markIntentDone(change, outcome, now);
  }
  return acted;
}

/** An "Image Promoted" must match the ledger's promoted outcome; anything else is refused, never acted on. */
async function checkPromotionAgainstLedger(fact: ImagePromotedDetail): Promise<void> {
  const recorded = await getOutcome(fact.image, fact.version, fact.channel);
  const contradiction = imagePromotedContradiction(fact, recorded);
  if (contradiction === undefined) return;
  logger.error('fact refused', { reason: contradiction });
  metrics.addMetric('FactsRefused', MetricUnit.Count, 1);
  throw new FactContradictsLedgerError(contradiction);
}

/**
 * Refuses a scheduled build whose window is no firing of Goldsmith's schedules (core/triggers/window.ts): a future
 * window would claim that patch window's marker before patch day, and the real firing would be skipped as its
 * duplicate. Refused before anything is recorded (no intent, no marker), and announced.
 * @returns true when refused.
 */
async function refuseScheduleClaim(catalog: Catalog, change: Change, now: Date): Promise<boolean> {
  if (change.kind !== 'schedule') return false;
  const horizon = parseDuration(catalog.resilience.retryHorizon);
  const reason = scheduleWindowRefusal(change.scheduledTime, now, horizon);
  if (reason === undefined) return false;
  logger.error('scheduled build refused', { image: change.image, window: change.scheduledTime, reason });
  metrics.addMetric('ChangesRefused', MetricUnit.Count, 1);
  await announce(
    announcement(
      'claim-refused',
      { image: change.image },
      {
        claim: 'scheduled-build',
        found: `window ${change.scheduledTime}`,
        reason: `${reason}; nothing was built or claimed`,
      },
      { at: now.toISOString(), key: change.scheduledTime },
    ),
  );
  return true;
}

export const handler = handlerFor({
  name: 'start-builds',
  recordFailure: recordFailedInvocation,
  parse: parseTrigger,
  handle: async (input: StartBuildsInput) => {
    const catalog = bundledCatalog();
    let changes: Change[];
    if (input.kind === 'amazon-linux-ami-update') {
      changes = await changesFromNotice(catalog, input.event);
    } else {
      if (input.kind === 'image-promoted') await checkPromotionAgainstLedger(input.event.detail);
      const change = changeFromEvent(input);
      if ('ignored' in change) {
        logger.info('trigger ignored', { kind: input.kind, reason: change.ignored });
        return { decisions: [] };
      }
      if (await refuseScheduleClaim(catalog, change, new Date())) return { decisions: [] };
      changes = [change];
    }
    // A release dated in the future is read as seen now: it cannot claim a later patch cycle's build.
    changes = changes.map((c) => observedNoLaterThan(c, new Date()));
    const decisions: ActedDecision[] = [];
    for (const change of changes) decisions.push(...(await startBuildsForChange(catalog, change)));
    return { decisions };
  },
});
