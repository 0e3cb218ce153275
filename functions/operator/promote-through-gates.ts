import { listBuilds } from '../../aws/lifecycle/lifecycle-ledger.js';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import { getPause } from '../../aws/promotion/promotion-pauses.js';
import {
  archiveRound,
  currentRoundItems,
  getRoundRecord,
  markRoundStarted,
} from '../../aws/promotion/promotion-rounds.js';
import { startNamedExecution } from '../../aws/promotion/stepfunctions.js';
import { roundExecutionNameFor } from '../../core/promotion/naming.js';
import {
  archiveActions,
  decideRound,
  MAX_ROUND_ACTIONS,
  type RoundStart,
  rolloutRoundRefusal,
  roundRunning,
  sameRequest,
} from '../../core/promotion/rounds.js';
import type { PromotionInput } from '../../core/promotion/types.js';
import type { OperatorRequestOf } from '../../events/operator-request.js';
import { bundledCatalog } from '../lib/catalog.js';
import { promotionPlans } from '../promotion/plans.js';
import { Refusal } from './refusal.js';

/**
 * `promote IMAGE VERSION --through-gates --reason R`: a restored version goes back into its channels only through
 * their gates (HCP Packer's restore model, https://developer.hashicorp.com/hcp/docs/packer/manage/revoke-restore):
 * a new promotion round of the same build from the first channel — Gate (tests, findings against the channel's
 * policy now), approval, soak, Share, Publish — each channel's pointer moving only once its gates pass. The round
 * before is archived (core/promotion/rounds.ts), so its approval links and task tokens decide nothing in this one.
 * Refused, nothing changed: unknown version, deleted, still revoked, never revoked, a round still running or already
 * run for this restore, an image whose channels roll out. A repeat of the same request (same caller and reason), or
 * any request while the round's start is unconfirmed, answers the same round and starts no second one.
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
    getRoundRecord(image, version),
    listOutcomes(image, version),
    getPause(image, version),
  ]);
  const build = builds.find((b) => b.version === version);
  if (!build?.buildVersionArn) throw new Refusal(404, `unknown version ${version} of ${image}`);
  if (build.deletedAt) {
    throw new Refusal(409, `${what} was deleted at ${build.deletedAt}: it cannot be promoted. Nothing changed.`);
  }
  const channels = plan.channels.map((c) => c.name);
  const running = roundRunning(channels, outcomes, pause?.status === 'paused' ? pause : undefined);
  const verdict = decideRound({ what, revocation, record, running, by: caller, reason });
  const input: PromotionInput = { image, buildVersionArn: build.buildVersionArn, version, plan };
  const stateMachineArn = process.env.STATE_MACHINE_ARN;
  if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
  if ('refusal' in verdict) throw new Refusal(verdict.status, verdict.refusal);
  const rolling = bundledCatalog()
    .channels.filter((c) => c.rollout && channels.includes(c.name))
    .map((c) => c.name);
  const noRollout = verdict.start ? rolloutRoundRefusal(what, rolling) : undefined;
  if (noRollout) throw new Refusal(409, noRollout);
  // The round is recorded first, then started; Step Functions' answer is recorded last, so a request that failed in
  // between leaves a round whose next request (any, for this restore) starts it: by its name, a no-op once started.
  const begin = async (start: RoundStart, again: boolean) => {
    await startNamedExecution(stateMachineArn, start.executionName, input);
    await markRoundStarted(image, version, start.round, start.executionName);
    return resultOf(image, version, channels, start, again);
  };
  if ('repeat' in verdict) return begin(verdict.repeat, true);
  const items = await currentRoundItems(image, version);
  if (archiveActions(items.length) > MAX_ROUND_ACTIONS) {
    throw new Refusal(
      409,
      `${what}'s round holds ${items.length} items, more than one transaction of ${MAX_ROUND_ACTIONS} actions can archive. Nothing changed.`,
    );
  }
  const start: RoundStart = {
    round: verdict.round,
    forRevokedAt: verdict.forRevokedAt,
    at: at.toISOString(),
    by: caller,
    reason,
    executionName: roundExecutionNameFor(build.buildVersionArn, verdict.round),
    archived: items.length,
  };
  if (!(await archiveRound(image, version, items, start, record))) {
    // Another request began a round first: this very request's twin (a retry racing it) answers that round.
    const now = await getRoundRecord(image, version);
    const twin = revocation && sameRequest(now, revocation, start);
    if (!twin) {
      throw new Refusal(409, `another request began a round of ${what} meanwhile: nothing started. Nothing changed.`);
    }
    return begin(twin, true);
  }
  return begin(start, false);
}

function resultOf(image: string, version: string, channels: string[], start: RoundStart, alreadyStarted: boolean) {
  return {
    image,
    version,
    round: start.round,
    channels,
    by: start.by,
    reason: start.reason,
    startedAt: start.at,
    executionName: start.executionName,
    archived: start.archived,
    alreadyStarted,
  };
}
