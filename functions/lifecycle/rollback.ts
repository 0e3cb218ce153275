import { announce } from '../../aws/notifications/notifications.js';
import { planRollback } from '../../core/lifecycle/revocation.js';
import { announcement } from '../../core/notifications/announce.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { readImageState } from './ledger-view.js';
import { movePointerBack } from './pointers.js';
import { supersedeChannelRollout } from './revoke-rollout.js';

/** An operator's rollback of one channel. */
export interface RollbackRequest {
  image: string;
  channel: string;
  /** The version the pointer named when the operator decided; a pointer that moved since is left alone. */
  from: string;
  /** The version to go back to; absent: the newest earlier launchable one. */
  to?: string | undefined;
  reason: string;
  by: string;
  at: Date;
}

export type RollbackResult =
  | { outcome: 'rolled-back'; image: string; channel: string; from: string; to: string }
  | { outcome: 'refused'; image: string; channel: string; reason: string };

/**
 * Moves one channel's pointer back to an earlier promoted, launchable version (no revocation), recorded and
 * announced; the next promotion to the channel moves it forward again. When the channel rolls out, the rollout of
 * `from` is superseded first, exactly as a revocation supersedes it: its started waves' groups go to the version the
 * pointer went back to. Refused — with the reason, nothing changed — when the pointer no longer names `from` or the
 * requested version does not qualify. A retry after success changes nothing.
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
      return { outcome: 'rolled-back', ...base, from: request.from, to: request.to };
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
  });
  if ('refused' in decided) return { outcome: 'refused', ...base, reason: decided.refused };
  const at = request.at.toISOString();
  // The channel's rollout of the version left behind stops and takes the groups it reached to the version the pointer
  // goes back to, as a revocation's does (revoke-rollout.ts): marked before the pointer moves.
  if (step.rollsOut) {
    const { image, channel, reason } = request;
    const leaving = { image, channel, version: request.from, reason, at, withdrawn: false };
    await supersedeChannelRollout({ ...leaving, cause: 'rolled back' });
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
  });
  if (!moved) return { outcome: 'refused', ...base, reason: `${request.channel} moved on while rolling back` };
  await announce(
    announcement(
      'rolled-back',
      { ...base, version: decided.to },
      { from: request.from, to: decided.to, reason: request.reason, by: request.by },
      { at, key: `rollback:${request.from}` },
    ),
  );
  return { outcome: 'rolled-back', ...base, from: request.from, to: decided.to };
}
