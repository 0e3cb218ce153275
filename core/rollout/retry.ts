import { compareBuildVersions } from '../promotion/naming.js';
import { accountsOf, done } from '../status/rollout-counts.js';
import { waveEndText } from '../status/rollout-wave-end.js';
import { planLateRollback } from './late-alarms.js';
import { planRollout } from './plan.js';
import type { RetriedHalt, RolloutOperatorAction, RolloutRecord, RolloutWave } from './record.js';
import { rolloutExecutionNameOf } from './request.js';
import { planSupersede } from './supersede.js';

/**
 * `goldsmith rollout retry`: a halted rollout of the same version goes on once its cause is fixed, from the wave that
 * halted (the wave whose alarm fired after it finished, else the wave under way when it halted). That wave and the
 * later ones start again as new (pending); the waves before keep what they recorded. A new execution of the Rollout
 * state machine runs it, named by how many retries the record holds (rolloutExecutionNameOf). Pure.
 */

/**
 * The wave a retry starts from: the first one a late alarm failed, else the one the rollout halted at. A superseded
 * rollout (a rollback took its groups back, then a roll-forward brought its version back) starts from its first
 * wave: every group it had reached runs the earlier version again.
 */
export function retryFrom(record: Pick<RolloutRecord, 'waves' | 'currentWave' | 'state'>): number {
  if (record.state === 'superseded') return 0;
  const alarmed = record.waves.findIndex((w) => w.alarm !== undefined);
  return alarmed >= 0 ? alarmed : record.currentWave;
}

/**
 * Why a halted rollout cannot be retried now, or undefined: its wave is still rolling back (the engine still follows
 * it), or a newer rollout of the channel has started since (it carries a newer version; this one would go back).
 */
export function retryRefusal(record: RolloutRecord, records: readonly RolloutRecord[]): string | undefined {
  const which = `the rollout of ${record.image} ${record.version} to ${record.channel}`;
  if (record.state === 'superseded' && planSupersede(record).kind !== 'ended') {
    return `${which} is still taking its groups back after it was superseded: retry once rollout status shows every group back`;
  }
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

/**
 * The halt (or supersede) a retry takes the rollout out of, with the waves it starts again as they had ended, and
 * how a rollout superseded after it had ended had ended.
 */
export function retriedHalt(record: RolloutRecord): RetriedHalt {
  const from = retryFrom(record);
  const taken = record.takenBack;
  const before =
    taken && record.endedAt
      ? {
          state: taken.from,
          at: record.endedAt,
          ...(taken.reason !== undefined && { reason: taken.reason }),
          refreshed: record.waves.reduce((sum, w) => sum + done(w), 0),
        }
      : undefined;
  return {
    at: record.takenBack?.at ?? record.endedAt ?? record.updatedAt,
    ...(record.reason !== undefined && { reason: record.reason }),
    ...(record.state === 'superseded' && { superseded: true }),
    ...(before && { before }),
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
 * The record a retry writes (of a halted rollout, or of a superseded one whose version the channel names again):
 * running again at the wave it starts from, that wave and every later one pending (no
 * groups, no alarm, no refusals), its end and reason gone, the retry appended to the operator log, and its intent
 * (`retrying`: the execution it is about to start, named by the retry's count); the skipped groups the reset waves
 * named are forgotten (their next start names them again).
 */
export function retriedRecord(record: RolloutRecord, entry: RolloutOperatorAction): RolloutRecord {
  const from = retryFrom(record);
  const reset = new Set(record.waves.slice(from).map((w) => w.name));
  const fresh = (w: RolloutWave): RolloutWave => ({ name: w.name, state: 'pending', groups: [] });
  // A superseded rollout's take-back (where its groups went, how it had ended) belongs to the run it ended.
  const { endedAt: _ended, reason: _reason, replacement: _to, takenBack: _back, ...rest } = record;
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
