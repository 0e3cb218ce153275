import { isOpenRollout, pausedSince, rolloutOf, waveText } from '../rollout/operator.js';
import { isActiveRefresh } from '../rollout/plan.js';
import type { RolloutRecord, RolloutWave } from '../rollout/record.js';
import {
  CANCELLED,
  done,
  failed,
  groups,
  refreshedText,
  skippedCount,
  stoppedText,
  unmoved,
} from './rollout-counts.js';

/**
 * What `status` says about rollouts, built from the ledger's rollout records alone (the engine writes them; the
 * operator's pause, resume and abort change them): pure, so it is tested from hand-made records. Records are read
 * through rollout-records.ts, their stories told by rollout-history.ts.
 */

/** An instant as `status` and `history` show it: minutes, UTC ("2027-01-05 09:12"). */
const minute = (iso: string): string => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace('T', ' ').slice(0, 16);
};

const cancelledIn = (r: Pick<RolloutRecord, 'state'>, status: string) =>
  CANCELLED.has(status) || (r.state === 'aborted' && isActiveRefresh(status));

/**
 * What a wave came to, as `rollout status` lists it: its state, except in a superseded rollout, where a wave still
 * `refreshing` or `baking` when the revocation came was taken back (`superseded`), not left as it was, and in an ended
 * rollout, where a wave still `pending` will not start.
 */
export function waveOutcome(r: Pick<RolloutRecord, 'state'>, w: RolloutWave): string {
  // A wave the rollout never reached before it ended (halted, aborted, superseded, stopped) is not waiting its turn.
  if (w.state === 'pending' && !isOpenRollout(r)) return `will not start (the rollout ${r.state})`;
  const underWay = w.state === 'refreshing' || w.state === 'baking';
  // Likewise an aborted rollout's wave under way: its refreshes were cancelled (each group's status says how far).
  if (underWay && (r.state === 'superseded' || r.state === 'aborted')) return r.state;
  return w.state;
}

/**
 * Groups a rollout refreshed and kept (Successful, in a wave not rolled back), those it rolled back, and those whose
 * refresh was cancelled (an abort: AWS reported Cancelling or Cancelled when the engine read it back).
 */
function refreshCounts(r: RolloutRecord): {
  refreshed: number;
  unmoved: number;
  rolledBack: number;
  cancelled: number;
} {
  const kept = r.waves.filter((w) => w.state !== 'rolled-back');
  const back = r.waves.filter((w) => w.state === 'rolled-back');
  // A failed wave's group whose refresh back to its previous version ended Successful is rolled back, not kept, and
  // so is one whose own refresh rolled back.
  const returned = (w: RolloutWave) =>
    w.state === 'failed' ? w.groups.filter((g) => g.back?.status === 'Successful').length : 0;
  const rolled = (w: RolloutWave) =>
    w.state === 'failed' ? returned(w) + w.groups.filter((g) => g.status === 'RollbackSuccessful').length : 0;
  return {
    refreshed: kept.reduce((sum, w) => sum + done(w) - returned(w), 0),
    // Of those, the groups whose refresh moved no instance (counted apart: they run the version only on paper).
    unmoved: kept.reduce((sum, w) => sum + unmoved(w), 0),
    rolledBack: back.reduce((sum, w) => sum + w.groups.length, 0) + kept.reduce((sum, w) => sum + rolled(w), 0),
    // An aborted rollout's refresh still read as running is being cancelled (the engine cancels it at its next check).
    cancelled: kept.reduce((sum, w) => sum + w.groups.filter((g) => cancelledIn(r, g.status)).length, 0),
  };
}

/**
 * The line `status` shows for a channel's last rollout once it has ended, until a newer one starts:
 * `rollout 1.0.0/3: completed 2027-01-07 10:12, 3 waves, 20 groups refreshed`; halted, aborted or superseded, with
 * the wave it stopped at, why, what it refreshed and what it rolled back.
 */
function endedStatusLine(r: RolloutRecord): string {
  const { refreshed, unmoved, rolledBack, cancelled } = refreshCounts(r);
  // A rollout taken back after it ended is told as of the revocation (its own end is in `history`).
  const at = minute(r.takenBack?.at ?? r.endedAt ?? r.updatedAt);
  const counts = [
    refreshedText(refreshed, unmoved),
    ...(rolledBack > 0 ? [`${groups(rolledBack)} rolled back`] : []),
    ...(cancelled > 0 ? [`${groups(cancelled)} cancelled`] : []),
  ].join(', ');
  if (r.state === 'completed') {
    const why = r.reason ? `: ${r.reason}` : '';
    return `rollout ${r.version}: completed ${at}, ${r.waves.length} wave${r.waves.length === 1 ? '' : 's'}, ${counts}${why}`;
  }
  if (r.state === 'stopped') return `rollout ${r.version}: stopped ${at}: ${stoppedText(r)}`;
  const by = r.state === 'aborted' && r.by ? ` by ${r.by}` : '';
  const reason = r.reason ? `: ${r.reason}` : '';
  return `rollout ${r.version}: ${r.state}${by} ${at} at ${waveText(r)}, ${counts}${reason}`;
}

/**
 * The one line `status` shows for a channel's rollout: in flight, e.g.
 * `rollout 1.0.0/3: wave 2/3 (wave-1) refreshing 14/20 groups done, canary healthy 2027-01-05 09:12; paused by … since …`;
 * ended, how it ended (its story is in `history`).
 */
export function rolloutStatusLine(r: RolloutRecord): string {
  if (!isOpenRollout(r)) return endedStatusLine(r);
  const wave = r.waves[r.currentWave];
  const parts = [`rollout ${r.version}: ${waveText(r)}`];
  if (wave) {
    const bad = failed(wave).length;
    parts[0] += ` ${wave.state} ${done(wave)}/${groups(wave.groups.length)} done${bad > 0 ? `, ${bad} failed` : ''}`;
  }
  const previous = r.currentWave > 0 ? r.waves[r.currentWave - 1] : undefined;
  if (previous) {
    parts[0] += `, ${previous.name} ${previous.state}${previous.endedAt ? ` ${minute(previous.endedAt)}` : ''}`;
  }
  if (r.state === 'paused') {
    parts.push(`paused${r.by ? ` by ${r.by}` : ''} since ${minute(pausedSince(r))}${r.reason ? `: ${r.reason}` : ''}`);
  }
  const skipped = skippedCount(r);
  if (skipped > 0) parts.push(`${groups(skipped)} skipped`);
  return parts.join('; ');
}

/**
 * The rollout `status` shows under a channel: the one in flight (rolloutOf), else the one that ended last — a rollout
 * superseded after a newer one had ended (an operator's roll-forward took the rollback back, and its groups went to
 * the newer version) is the last word on where the groups are. Its end: when its groups were taken back, else when it
 * ended. On a tie, the newest version's. An ended superseded rollout of a version the channel's pointer (`names`) no
 * longer names is not the channel's rollout: the rollout of the version it names is shown instead, else none.
 */
export function statusRolloutOf(
  records: readonly RolloutRecord[],
  channel: string,
  names?: string,
): RolloutRecord | undefined {
  const current = rolloutOf(records, channel);
  if (!current || isOpenRollout(current)) return current;
  const endOf = (r: RolloutRecord) => Date.parse(r.takenBack?.at ?? r.endedAt ?? r.updatedAt);
  const last = records
    .filter((r) => r.channel === channel && !isOpenRollout(r))
    .reduce((last, r) => (endOf(r) > endOf(last) ? r : last), current);
  if (names === undefined || last.state !== 'superseded' || last.version === names) return last;
  return records.find((r) => r.channel === channel && r.version === names);
}
