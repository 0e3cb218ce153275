import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { isOpenRollout, supersededByRollback } from '../../core/rollout/operator.js';
import type { RolloutRecord } from '../../core/rollout/record.js';
import { retryRefusal } from '../../core/rollout/retry.js';
import { Refusal } from '../operator/refusal.js';
import { rolloutRetry } from '../operator/rollout-retry.js';

/**
 * A roll-forward to `to` that takes a rollback back, as far as the channel's rollouts go. The rollback had superseded
 * `to`'s rollout (its groups went to the earlier version): the roll-forward starts that rollout again, from its first
 * wave, through the operator's retry (functions/operator/rollout-retry.ts: a new execution `retry<n>-…`, new launch
 * template versions by their own ClientTokens, every wave baked and watched again). Nothing then takes the earlier
 * version's ended rollout back: the restarted rollout refreshes every group. Pure decisions in core/rollout/retry.ts.
 */

/**
 * What the roll-forward does with `to`'s rollout to the channel: start it again, or tell the operator how; and
 * whether `from`'s rollout is superseded as a rollback's would be (`supersedeLeaving`).
 */
export type RollForwardPlan = { supersedeLeaving: boolean } & (
  | { kind: 'restart'; record: RolloutRecord }
  | { kind: 'later'; record: RolloutRecord; why: string }
  | { kind: 'none' }
);

/**
 * Read before the pointer moves: `to`'s rollout starts again when a rollback superseded it, its groups are back (no
 * take-back still moving them) and `from`'s rollout is not under way (whose own execution would move the same
 * groups); a superseded one still moving its groups back is left for `rollout retry` once they are back. `from`'s
 * rollout is superseded only while under way, or when `to`'s was not a rollback's: otherwise its groups are the ones
 * the rollback took back, which the restart (now, or by `rollout retry`) refreshes onto `to` wave by wave, baked and
 * watched; a take-back of them all at once would race it.
 */
export async function planRollForward(
  image: string,
  channel: string,
  from: string,
  to: string,
): Promise<RollForwardPlan> {
  const record = await readRollout(image, channel, to);
  if (!record || !supersededByRollback(record)) return { kind: 'none', supersedeLeaving: true };
  const leaving = await readRollout(image, channel, from);
  if (leaving && isOpenRollout(leaving)) {
    const why = `the rollout of ${image} ${from} to ${channel} is ${leaving.state}`;
    return { kind: 'later', record, why, supersedeLeaving: true };
  }
  const why = retryRefusal(record, []);
  return why
    ? { kind: 'later', record, why, supersedeLeaving: false }
    : { kind: 'restart', record, supersedeLeaving: false };
}

/** The command that starts `to`'s rollout again by hand. */
const retryCommand = (r: RolloutRecord) => `goldsmith rollout retry ${r.image} ${r.channel} --version ${r.version}`;

/**
 * Once the pointer names `to` again: starts its superseded rollout again (planRollForward's `restart`), announced as
 * a resumption by the roll-forward's caller, or says what does. @returns the answer's line about the rollout.
 */
export async function restartRolledForward(
  plan: RollForwardPlan,
  request: { reason: string; by: string; at: Date },
): Promise<string | undefined> {
  if (plan.kind === 'none') return undefined;
  const { record } = plan;
  const what = `rollout of ${record.version} to ${record.channel}`;
  if (plan.kind === 'later') return `${what} not started again (${plan.why}): run \`${retryCommand(record)}\``;
  const retry = { action: 'rollout-retry' as const, image: record.image, channel: record.channel };
  try {
    const reason = `rolled forward: ${request.reason}`;
    const started = await rolloutRetry({ ...retry, version: record.version, reason }, request.by, request.at);
    return `${what} starts again: wave ${started.wave}/${started.waves} (${record.waves[0]?.name ?? ''}) first, by a new execution`;
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return `${what} not started again (${error.message}): run \`${retryCommand(record)}\``;
  }
}
