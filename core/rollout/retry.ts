import { compareBuildVersions } from '../promotion/naming.js';
import { accountsOf } from '../status/rollout-counts.js';
import { waveEndText } from '../status/rollout-wave-end.js';
import { planLateRollback } from './late-alarms.js';
import { planRollout } from './plan.js';
import type { RetriedHalt, RolloutOperatorAction, RolloutRecord, RolloutWave } from './record.js';
import { rolloutExecutionNameOf } from './request.js';

/**
 * `goldsmith rollout retry`: a halted rollout of the same version goes on once its cause is fixed, from the wave that
 * halted (the wave whose alarm fired after it finished, else the wave under way when it halted). That wave and the
 * later ones start again as new (pending); the waves before keep what they recorded. A new execution of the Rollout
 * state machine runs it, named by how many retries the record holds (rolloutExecutionNameOf). Pure.
 */

/** The wave a retry starts from: the first one a late alarm failed, else the one the rollout halted at. */
export function retryFrom(record: Pick<RolloutRecord, 'waves' | 'currentWave'>): number {
  const alarmed = record.waves.findIndex((w) => w.alarm !== undefined);
  return alarmed >= 0 ? alarmed : record.currentWave;
}

/**
 * Why a halted rollout cannot be retried now, or undefined: its wave is still rolling back (the engine still follows
 * it), or a newer rollout of the channel has started since (it carries a newer version; this one would go back).
 */
export function retryRefusal(record: RolloutRecord, records: readonly RolloutRecord[]): string | undefined {
  const which = `the rollout of ${record.image} ${record.version} to ${record.channel}`;
  const stillBack = planRollout(record).kind !== 'ended' || planLateRollback(record).kind === 'wait';
  if (stillBack) {
    return `${which} is still taking its halted wave back: retry once rollout status shows every group back`;
  }
  const newer = records
    .filter((r) => r.channel === record.channel && compareBuildVersions(r.version, record.version) > 0)
    .sort((a, b) => compareBuildVersions(b.version, a.version))[0];
  if (newer)
    return `${which} is not retried: ${newer.version} has rolled out to ${record.channel} since (${newer.state})`;
  return undefined;
}

/** The halt a retry takes the rollout out of, with the waves it starts again as they had ended. */
export function retriedHalt(record: RolloutRecord): RetriedHalt {
  const from = retryFrom(record);
  return {
    at: record.endedAt ?? record.updatedAt,
    ...(record.reason !== undefined && { reason: record.reason }),
    fromWave: from,
    waves: record.waves.slice(from).flatMap((w) => (w.state === 'pending' ? [] : [asEnded(w)])),
  };
}

/** A wave a retry starts again, as it had ended: its times, counts and its end as `history` told it. */
function asEnded(w: RolloutWave): RetriedHalt['waves'][number] {
  const ended = waveEndText(w);
  return {
    name: w.name,
    state: w.state,
    ...(w.startedAt !== undefined && { startedAt: w.startedAt }),
    ...(w.endedAt !== undefined && { endedAt: w.endedAt }),
    ...(w.rolledBackAt !== undefined && { rolledBackAt: w.rolledBackAt }),
    groups: w.groups.length,
    accounts: accountsOf(w),
    ...(ended !== undefined && { ended }),
    ...(w.alarm !== undefined && { alarmed: true }),
  };
}

/**
 * The record a retry writes: running again at the wave it starts from, that wave and every later one pending (no
 * groups, no alarm, no refusals), its end and reason gone, the retry appended to the operator log, and its intent
 * (`retrying`: the execution it is about to start, named by the retry's count); the skipped groups the reset waves
 * named are forgotten (their next start names them again).
 */
export function retriedRecord(record: RolloutRecord, entry: RolloutOperatorAction): RolloutRecord {
  const from = retryFrom(record);
  const reset = new Set(record.waves.slice(from).map((w) => w.name));
  const fresh = (w: RolloutWave): RolloutWave => ({ name: w.name, state: 'pending', groups: [] });
  const { endedAt: _ended, reason: _reason, ...rest } = record;
  return {
    ...rest,
    state: 'running',
    by: entry.by,
    currentWave: from,
    waves: record.waves.map((w, i) => (i >= from ? fresh(w) : w)),
    skippedGroups: record.skippedGroups.filter((g) => g.wave === undefined || !reset.has(g.wave)),
    operatorActions: [...(record.operatorActions ?? []), entry],
    retrying: {
      execution: rolloutExecutionNameOf({ ...record, operatorActions: [...(record.operatorActions ?? []), entry] }),
      at: entry.at,
    },
    openWork: 'rollout',
    updatedAt: entry.at,
  };
}

/** How many times the rollout was retried: its execution's name counts them. */
export function retries(record: Pick<RolloutRecord, 'operatorActions'>): number {
  return (record.operatorActions ?? []).filter((a) => a.action === 'retry').length;
}
