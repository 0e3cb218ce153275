import { lineageHoldOf } from '../../aws/lifecycle/lineage-holds.js';
import { getScheduledRevocation } from '../../aws/lifecycle/scheduled-revocations.js';
import { announce } from '../../aws/notifications/notifications.js';
import { planRollback, type RollbackDirection } from '../../core/lifecycle/revocation.js';
import { unsafeRollbackTarget } from '../../core/lifecycle/rollback-safety.js';
import { announcement } from '../../core/notifications/announce.js';
import { policyBreach } from '../../core/promotion/gate.js';
import { compareBuildVersions } from '../../core/promotion/naming.js';
import type { ChannelStep, PromotionPlan } from '../../core/promotion/types.js';
import { currentFindings } from '../promotion/findings.js';
import { grantHeldChannels } from '../sharing/version-grants.js';
import { type ImageState, readImageState, requestedRevocation } from './ledger-view.js';
import { buildOutputs, movePointerBack } from './pointers.js';
import { supersedeChannelRollout } from './revoke-rollout.js';
import { planRollForward, restartRolledForward } from './roll-forward-rollout.js';

/** An operator's rollback of one channel. */
export interface RollbackRequest {
  image: string;
  channel: string;
  /** The version the pointer named when the operator decided; a pointer that moved since is left alone. */
  from: string;
  /** The version to go to, older or newer; absent: the newest earlier launchable one. */
  to?: string | undefined;
  reason: string;
  by: string;
  at: Date;
}

export type RollbackResult =
  | {
      outcome: 'rolled-back' | 'rolled-forward';
      image: string;
      channel: string;
      from: string;
      to: string;
      /** ModifyImageAttribute calls that put the version's grants back before the pointer named it (0: in force). */
      grantCalls?: number;
      /** A roll-forward: the rollout of `to` the rollback had superseded, started again (or how to). */
      rollout?: string;
    }
  | { outcome: 'refused'; image: string; channel: string; reason: string };

const outcomeOf = (direction: RollbackDirection) => (direction === 'forward' ? 'rolled-forward' : 'rolled-back');

/**
 * Moves one channel's pointer to another promoted, launchable version (no revocation), recorded and announced: back
 * to an earlier one, or forward to a newer one the channel promoted before (taking a mistaken rollback back); the
 * next promotion to the channel moves it on again. Both directions take the same steps: the version's grants for the
 * channels it holds made sure of first (put back where anything took them away), then, when the channel rolls out,
 * the rollout of `from` superseded exactly as a revocation supersedes it (its started waves' groups go to the version
 * the pointer goes to), then the pointer moved in every Region through Publish's path. A roll-forward to a version
 * whose rollout the rollback superseded starts that rollout again from its first wave instead (roll-forward-rollout.ts).
 * Refused — with the reason, nothing changed — when the pointer no longer names `from`, the version does not qualify,
 * or the channel's gates would refuse it today (`whyNotToday`), whichever way it lies. A retry after success changes
 * nothing.
 */
export async function rollbackChannel(
  request: RollbackRequest,
  plans: Record<string, PromotionPlan>,
): Promise<RollbackResult> {
  const plan = plans[request.image];
  if (!plan) throw new Error(`rollback: unknown image "${request.image}"`);
  const step = plan.channels.find((c) => c.name === request.channel);
  if (!step) throw new Error(`rollback: ${request.image} is not promoted through channel "${request.channel}"`);
  const base = { image: request.image, channel: request.channel };
  const state = await readImageState(plan, undefined, { consistent: true });
  const current = state.pointers[request.channel]?.version;
  if (current !== request.from) {
    if (request.to !== undefined && current === request.to) {
      const direction = compareBuildVersions(request.to, request.from) > 0 ? 'forward' : 'back';
      return { outcome: outcomeOf(direction), ...base, from: request.from, to: request.to };
    }
    return {
      outcome: 'refused',
      ...base,
      reason: `${request.channel} names ${current ?? 'nothing'}, not ${request.from}`,
    };
  }
  const decided = planRollback({
    channel: request.channel,
    builds: state.histories,
    current,
    requested: request.to,
    image: request.image,
    restored: new Set(state.view.revocations.filter((r) => r.state === 'restored').map((r) => r.version)),
  });
  if ('refused' in decided) return { outcome: 'refused', ...base, reason: decided.refused };
  // What the channel's gates would say today: a version that passed them once may since be held, due to be revoked,
  // or over a policy tightened since; older or newer, it is not pointed at.
  const unsafe = await whyNotToday(state, request.image, step, decided.to);
  if (unsafe) return { outcome: 'refused', ...base, reason: unsafe };
  const at = request.at.toISOString();
  // Nobody's launch may fail on what the pointer names: its grants are made sure of before anything else moves.
  const granted = await grantHeldChannels(plan, decided.to, (await buildOutputs(state, decided.to)).amis);
  const cause = decided.direction === 'forward' ? 'rolled forward' : 'rolled back';
  // The channel's rollout of the version left behind stops and takes the groups it reached to the version the pointer
  // goes to, as a revocation's does (revoke-rollout.ts): marked before the pointer moves.
  const forward =
    step.rollsOut && decided.direction === 'forward'
      ? await planRollForward(request.image, request.channel, request.from, decided.to)
      : undefined;
  if (step.rollsOut && (forward?.supersedeLeaving ?? true)) {
    const { image, channel, reason } = request;
    const leaving = { image, channel, version: request.from, reason, at, withdrawn: false };
    await supersedeChannelRollout({ ...leaving, cause });
  }
  const moved = await movePointerBack({
    state,
    ...base,
    targets: step.targets,
    from: request.from,
    to: decided.to,
    reason: request.reason,
    by: request.by,
    at,
    operator: decided.direction,
  });
  if (!moved) return { outcome: 'refused', ...base, reason: `${request.channel} moved on while rolling back` };
  const rollout = forward && (await restartRolledForward(forward, request));
  await announce(
    announcement(
      'rolled-back',
      { ...base, version: decided.to },
      {
        from: request.from,
        to: decided.to,
        reason: request.reason,
        by: request.by,
        ...(decided.direction === 'forward' && { direction: 'forward' as const }),
      },
      // Each move its own announcement: a channel rolled back, forward and back again is told each time.
      { at, key: `rollback:${request.from}@${at}` },
    ),
  );
  return {
    outcome: outcomeOf(decided.direction),
    ...base,
    from: request.from,
    to: decided.to,
    grantCalls: granted.calls,
    ...(rollout && { rollout }),
  };
}

/**
 * Why `version` may not go on the channel today (core/lifecycle/rollback-safety.ts), read as the Gate, SoakCheck and
 * an approval read it: its lineage hold at the channel (its own build item as listed, then one BatchGetItem per
 * ancestor), a revocation requested for it, a revocation scheduled and not called off (one GetItem), and its
 * findings now (Image Builder's scan findings and those recorded since) against the channel's policy now.
 */
async function whyNotToday(
  state: ImageState,
  image: string,
  step: ChannelStep,
  version: string,
): Promise<string | undefined> {
  const build = state.builds.find((b) => b.version === version);
  const arn = build?.buildVersionArn;
  const [hold, scheduled, findings] = await Promise.all([
    lineageHoldOf(image, version, { flaggedReason: build?.flaggedReason, parent: build?.parent }, step.name),
    getScheduledRevocation(image, version),
    arn ? currentFindings(image, version, arn) : undefined,
  ]);
  const requested = requestedRevocation(state, version);
  const open = scheduled?.openWork !== undefined && !scheduled.cancelledAt && !scheduled.supersededAt;
  return unsafeRollbackTarget({
    image,
    channel: step.name,
    version,
    hold: hold?.reason,
    requested,
    scheduled: open ? scheduled : undefined,
    // A build with no recorded Image Builder ARN has findings nobody can read: not trusted either.
    breach: findings
      ? policyBreach(findings, step.policy)
      : 'its findings cannot be read: its build names no build ARN',
  });
}
