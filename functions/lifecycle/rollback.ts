import { announce } from '../../aws/notifications/notifications.js';
import { planRollback, type RollbackDirection } from '../../core/lifecycle/revocation.js';
import { announcement } from '../../core/notifications/announce.js';
import { compareBuildVersions } from '../../core/promotion/naming.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { grantHeldChannels } from '../sharing/version-grants.js';
import { readImageState } from './ledger-view.js';
import { buildOutputs, movePointerBack } from './pointers.js';
import { supersedeChannelRollout } from './revoke-rollout.js';

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
    }
  | { outcome: 'refused'; image: string; channel: string; reason: string };

const outcomeOf = (direction: RollbackDirection) => (direction === 'forward' ? 'rolled-forward' : 'rolled-back');

/**
 * Moves one channel's pointer to another promoted, launchable version (no revocation), recorded and announced: back
 * to an earlier one, or forward to a newer one the channel promoted before (taking a mistaken rollback back); the
 * next promotion to the channel moves it on again. Both directions take the same steps: the version's grants for the
 * channels it holds made sure of first (put back where anything took them away), then, when the channel rolls out,
 * the rollout of `from` superseded exactly as a revocation supersedes it (its started waves' groups go to the version
 * the pointer goes to), then the pointer moved in every Region through Publish's path. Refused — with the reason,
 * nothing changed — when the pointer no longer names `from` or the requested version does not qualify. A retry after
 * success changes nothing.
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
  const state = await readImageState(plan);
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
  const at = request.at.toISOString();
  // Nobody's launch may fail on what the pointer names: its grants are made sure of before anything else moves.
  const granted = await grantHeldChannels(plan, decided.to, (await buildOutputs(state, decided.to)).amis);
  const cause = decided.direction === 'forward' ? 'rolled forward' : 'rolled back';
  // The channel's rollout of the version left behind stops and takes the groups it reached to the version the pointer
  // goes to, as a revocation's does (revoke-rollout.ts): marked before the pointer moves.
  if (step.rollsOut) {
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
  };
}
