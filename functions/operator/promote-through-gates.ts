import { listBuilds } from '../../aws/lifecycle/lifecycle-ledger.js';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { getAttemptRecord } from '../../aws/promotion/attempt-record.js';
import { archiveAttempt, currentAttemptItems, markAttemptStarted } from '../../aws/promotion/promotion-attempts.js';
import { listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import { getPause } from '../../aws/promotion/promotion-pauses.js';
import { startNamedExecution } from '../../aws/promotion/stepfunctions.js';
import {
  type AttemptStart,
  archiveActions,
  attemptRunning,
  decideAttempt,
  MAX_ATTEMPT_ACTIONS,
  rolloutStillMoving,
  sameRequest,
} from '../../core/promotion/attempts.js';
import { attemptExecutionNameFor } from '../../core/promotion/naming.js';
import type { PromotionInput } from '../../core/promotion/types.js';
import { rolloutRecordsOf } from '../../core/status/rollout-records.js';
import type { OperatorRequestOf } from '../../events/operator-request.js';
import { bundledCatalog } from '../lib/catalog.js';
import { promotionPlans } from '../promotion/plans.js';
import { Refusal } from './refusal.js';

/**
 * `promote IMAGE VERSION --through-gates --reason R`: a restored version goes back into its channels only through
 * their gates (HCP Packer's restore model, https://developer.hashicorp.com/hcp/docs/packer/manage/revoke-restore):
 * a new promotion attempt of the same build from the first channel — Gate (tests, findings against the channel's
 * policy now), approval, soak, Share, Publish — each channel's pointer moving only once its gates pass. The attempt
 * before is archived (core/promotion/attempts.ts), so its approval links and task tokens decide nothing in this one.
 * Refused, nothing changed: unknown version, deleted, still revoked, never revoked, an attempt still running or already
 * run for this restore, a rollout of it still moving groups. Its ended rollouts are archived with the attempt, and
 * the new attempt's Publish starts a rollout of its own through the waves. A repeat of the same request (same caller and reason), or
 * any request while the attempt's start is unconfirmed, answers the same attempt and starts no second one.
 */
export async function promoteThroughGates(
  request: OperatorRequestOf<'promote-through-gates'>,
  caller: string,
  at: Date,
) {
  const { image, version, reason } = request;
  const plan = promotionPlans()[image];
  if (!plan) throw new Refusal(404, `unknown image "${image}"`);
  const what = `${image} ${version}`;
  const [builds, revocation, record, outcomes, pause] = await Promise.all([
    listBuilds(image, ['buildVersionArn', 'deletedAt']),
    getRevocation(image, version),
    getAttemptRecord(image, version),
    listOutcomes(image, version),
    getPause(image, version),
  ]);
  const build = builds.find((b) => b.version === version);
  if (!build?.buildVersionArn) throw new Refusal(404, `unknown version ${version} of ${image}`);
  if (build.deletedAt) {
    throw new Refusal(409, `${what} was deleted at ${build.deletedAt}: it cannot be promoted. Nothing changed.`);
  }
  const channels = plan.channels.map((c) => c.name);
  const running = attemptRunning(channels, outcomes, pause?.status === 'paused' ? pause : undefined);
  const verdict = decideAttempt({ what, revocation, record, running, by: caller, reason });
  const input: PromotionInput = { image, buildVersionArn: build.buildVersionArn, version, plan };
  const stateMachineArn = process.env.STATE_MACHINE_ARN;
  if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
  if ('refusal' in verdict) throw new Refusal(verdict.status, verdict.refusal);
  const rolling = bundledCatalog()
    .channels.filter((c) => c.rollout && channels.includes(c.name))
    .map((c) => c.name);
  // The attempt is recorded first, then started; Step Functions' answer is recorded last, so a request that failed in
  // between leaves an attempt whose next request (any, for this restore) starts it: by its name, a no-op once started.
  const begin = async (start: AttemptStart, again: boolean) => {
    await startNamedExecution(stateMachineArn, start.executionName, input);
    await markAttemptStarted(image, version, start.attempt, start.executionName);
    return resultOf(image, version, channels, start, again);
  };
  if ('repeat' in verdict) return begin(verdict.repeat, true);
  const items = await currentAttemptItems(image, version, rolling);
  const moving = rolloutStillMoving(what, rolloutRecordsOf(items));
  if (moving) throw new Refusal(409, moving);
  if (archiveActions(items.length) > MAX_ATTEMPT_ACTIONS) {
    throw new Refusal(
      409,
      `${what}'s attempt holds ${items.length} items, more than one transaction of ${MAX_ATTEMPT_ACTIONS} actions can archive. Nothing changed.`,
    );
  }
  const start: AttemptStart = {
    attempt: verdict.attempt,
    forRevokedAt: verdict.forRevokedAt,
    at: at.toISOString(),
    by: caller,
    reason,
    executionName: attemptExecutionNameFor(build.buildVersionArn, verdict.attempt),
    archived: items.length,
  };
  if (!(await archiveAttempt(image, version, items, start, record))) {
    // Another request began an attempt first: this very request's twin (a retry racing it) answers that attempt.
    const now = await getAttemptRecord(image, version);
    const twin = revocation && sameRequest(now, revocation, start);
    if (!twin) {
      throw new Refusal(
        409,
        `another request began an attempt of ${what} meanwhile: nothing started. Nothing changed.`,
      );
    }
    return begin(twin, true);
  }
  return begin(start, false);
}

function resultOf(image: string, version: string, channels: string[], start: AttemptStart, alreadyStarted: boolean) {
  return {
    image,
    version,
    attempt: start.attempt,
    channels,
    by: start.by,
    reason: start.reason,
    startedAt: start.at,
    executionName: start.executionName,
    archived: start.archived,
    alreadyStarted,
  };
}
