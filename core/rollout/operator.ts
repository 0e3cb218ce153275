import { compareBuildVersions } from '../promotion/naming.js';
import {
  openRolloutStates,
  type RolloutOperatorAction,
  type RolloutOperatorActionName,
  type RolloutRecord,
  type RolloutState,
} from './record.js';

/**
 * What an operator may do to a rollout, and when (the contract's conditional updates): pause a running rollout (no
 * new wave starts; refreshes already running go on), resume a paused one, abort one running or paused (the engine
 * cancels the refreshes still running). One definition for the CLI's early refusal and the operator endpoint's.
 */
export const ROLLOUT_TRANSITIONS: Record<
  RolloutOperatorActionName,
  { from: readonly RolloutState[]; to: RolloutState; past: string }
> = {
  pause: { from: ['running'], to: 'paused', past: 'paused' },
  resume: { from: ['paused'], to: 'running', past: 'resumed' },
  abort: { from: ['running', 'paused'], to: 'aborted', past: 'aborted' },
  /** A halted rollout goes on from the wave that halted, by a new execution (core/rollout/retry.ts). */
  retry: { from: ['halted'], to: 'running', past: 'retried' },
};

/**
 * Whether an operator's rollback superseded the rollout (its reason carries the rollback's cause first,
 * functions/lifecycle/revoke-rollout.ts): `rollout retry`, or the roll-forward taking the rollback back, starts it again.
 */
export const supersededByRollback = (r: Pick<RolloutRecord, 'state' | 'reason'>): boolean =>
  r.state === 'superseded' && (r.reason?.startsWith('rolled back: ') ?? false);

/** Whether a rollout is still under way (running or paused): the engine's to act on. */
export const isOpenRollout = (r: Pick<RolloutRecord, 'state'>): boolean => openRolloutStates.includes(r.state);

/**
 * The retry a rollout is under way after: the record is open and a retry is the last entry of its operator log.
 * A repeat of that retry (same caller and reason) is answered as that retry; anything else is refused naming it.
 */
export function retryUnderWay(record: RolloutRecord | undefined): RolloutOperatorAction | undefined {
  const last = record?.operatorActions?.at(-1);
  return record && isOpenRollout(record) && last?.action === 'retry' ? last : undefined;
}

/** Whether a retry request (its caller and reason) repeats the retry `entry` recorded. */
export const sameRetry = (entry: RolloutOperatorAction, by: string, reason: string | undefined): boolean =>
  entry.by === by && entry.reason === reason;

/**
 * The rollout a command means: the one of `version` when given; otherwise the channel's current one (the newest not
 * ended), else its newest at all (so `rollout status` shows how the last one ended).
 */
export function rolloutOf(
  records: readonly RolloutRecord[],
  channel: string,
  version?: string,
): RolloutRecord | undefined {
  const mine = records.filter((r) => r.channel === channel);
  if (version !== undefined) return mine.find((r) => r.version === version);
  const newestFirst = [...mine].sort((a, b) => compareBuildVersions(b.version, a.version));
  return newestFirst.find(isOpenRollout) ?? newestFirst[0];
}

/** "wave 2/3 (wave-1)": the wave under way, counted from 1. */
export function waveText(r: Pick<RolloutRecord, 'currentWave' | 'waves'>): string {
  const wave = r.waves[r.currentWave];
  return `wave ${r.currentWave + 1}/${r.waves.length}${wave ? ` (${wave.name})` : ''}`;
}

/**
 * How an ended rollout ended: "completed at 2027-01-05T09:12:00.000Z", "halted at …: the canary's alarm …". One a
 * revocation superseded after it had ended is told at the revocation (as `status` tells it), then how it had ended.
 * `time` writes each instant (default: as recorded).
 */
export function endedText(r: RolloutRecord, time: (iso: string) => string = (iso) => iso): string {
  const taken = r.takenBack;
  const at = time(taken?.at ?? r.endedAt ?? r.updatedAt);
  const by = r.state === 'aborted' && r.by ? ` by ${r.by}` : '';
  const before = taken && r.endedAt ? ` (it had ${taken.from} at ${time(r.endedAt)})` : '';
  return `${r.state}${by} at ${at}${r.reason ? `: ${r.reason}` : ''}${before}`;
}

/**
 * Why `action` cannot act on the rollout the command names (`record`, as `rolloutOf` picked it), or undefined when
 * it can. The subject names what the operator typed: the image, the channel, and the version if one was given.
 */
export function rolloutRefusal(
  action: RolloutOperatorActionName,
  subject: { image: string; channel: string; version?: string | undefined },
  record: RolloutRecord | undefined,
): string | undefined {
  const { image, channel, version } = subject;
  if (record === undefined) {
    return version === undefined
      ? `${image}/${channel} has no rollout: nothing to ${action}`
      : `there is no rollout of ${image} ${version} to ${channel}: nothing to ${action}`;
  }
  const which = `the rollout of ${image} ${record.version} to ${channel}`;
  const allowed = ROLLOUT_TRANSITIONS[action].from;
  if (allowed.includes(record.state)) return undefined;
  // A rollout an operator's rollback superseded starts again once a roll-forward brings its version back (the
  // endpoint checks that the channel names it: core/rollout/facts.ts); one a revocation superseded never does.
  if (action === 'retry' && supersededByRollback(record)) return undefined;
  if (action === 'retry') {
    const how = isOpenRollout(record) ? `is ${record.state}, ${waveText(record)}` : `ended ${endedText(record)}`;
    const retried = retryUnderWay(record);
    if (retried) {
      const why = retried.reason !== undefined ? ` (${retried.reason})` : '';
      return (
        `${which} ${how}, after the retry by ${retried.by} at ${retried.at}${why}: nothing to retry ` +
        '(only that retry, sent again by the same caller with the same reason, is answered again)'
      );
    }
    return `${which} ${how}: nothing to retry (only a halted rollout is retried)`;
  }
  if (!isOpenRollout(record)) {
    const last = version === undefined ? ` (${image}/${channel} has no rollout in flight)` : '';
    return `${which} already ended, ${endedText(record)}${last}: nothing to ${action}`;
  }
  if (record.state === 'paused') {
    const since = pausedSince(record);
    return `${which} is already paused${record.by ? ` by ${record.by}` : ''} since ${since}${record.reason ? `: ${record.reason}` : ''}`;
  }
  return `${which} is not paused: it is running, ${waveText(record)}; nothing to resume`;
}

/** When the current pause began: the last pause the operator log holds, else the record's last update. */
export function pausedSince(r: RolloutRecord): string {
  return r.operatorActions?.filter((a) => a.action === 'pause').at(-1)?.at ?? r.updatedAt;
}
