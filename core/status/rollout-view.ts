import { skPrefix } from '../ledger/keys.js';
import { type GroupChunk, isGroupChunk, withChunkedGroups } from '../rollout/group-chunks.js';
import { refusalText } from '../rollout/halt.js';
import { isOpenRollout, pausedSince, waveText } from '../rollout/operator.js';
import { type RolloutRecord, type RolloutWave, rolloutStates } from '../rollout/record.js';
import { refusalCount } from '../rollout/refusals.js';

/**
 * What `status` and `history` say about rollouts, built from the ledger's rollout records alone (the engine writes
 * them; the operator's pause, resume and abort change them): pure, so it is tested from hand-made records.
 */

/** A ledger item read as a rollout record, or undefined when it does not have the record's shape. */
export function rolloutRecordOf(item: Record<string, unknown>): RolloutRecord | undefined {
  const ok =
    typeof item.image === 'string' &&
    typeof item.channel === 'string' &&
    typeof item.version === 'string' &&
    rolloutStates.includes(item.state as RolloutRecord['state']) &&
    typeof item.currentWave === 'number' &&
    Array.isArray(item.waves);
  const skippedGroups = Array.isArray(item.skippedGroups) ? item.skippedGroups : [];
  return ok ? ({ ...item, skippedGroups } as unknown as RolloutRecord) : undefined;
}

/**
 * Every rollout record among ledger items (the rest are ignored), each wave's groups put back from the chunk items
 * beside it (core/rollout/group-chunks.ts): what every reader of rollout records reads them through.
 */
export function rolloutRecordsOf(items: readonly Record<string, unknown>[]): RolloutRecord[] {
  const rollouts = items.filter((i) => String(i.sk).startsWith(skPrefix.rollout));
  const chunks: GroupChunk[] = rollouts.filter(isGroupChunk);
  return rollouts.flatMap((item) => {
    const record = isGroupChunk(item) ? undefined : rolloutRecordOf(item);
    return record ? [withChunkedGroups(record, String(item.sk), chunks)] : [];
  });
}

/** An instant as `status` and `history` show it: minutes, UTC ("2027-01-05 09:12"). */
const minute = (iso: string): string => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace('T', ' ').slice(0, 16);
};

const groups = (n: number) => `${n} group${n === 1 ? '' : 's'}`;
const FAILED_STATUSES = new Set(['Failed', 'Cancelled', 'RollbackInProgress', 'RollbackFailed', 'RollbackSuccessful']);
const done = (w: RolloutWave) => w.groups.filter((g) => g.status === 'Successful').length;
const failed = (w: RolloutWave) => w.groups.filter((g) => FAILED_STATUSES.has(g.status));
const accountsOf = (w: RolloutWave) => new Set(w.groups.map((g) => g.account)).size;
const CANCELLED = new Set(['Cancelled', 'Cancelling']);

/**
 * Every group the rollout skipped: each wave's count (`waves[i].skipped.total`; `skippedGroups` names only the first
 * 50 of a wave) and the groups skipped later, one by one.
 */
export function skippedCount(r: Pick<RolloutRecord, 'waves' | 'skippedGroups'>): number {
  const named = (w: RolloutWave) => r.skippedGroups.filter((g) => g.wave === w.name).length;
  const inWaves = r.waves.reduce((sum, w) => sum + (w.skipped?.total ?? named(w)), 0);
  return inWaves + r.skippedGroups.filter((g) => g.wave === undefined).length;
}

/**
 * What a wave came to, as `rollout status` lists it: its state, except in a superseded rollout, where a wave still
 * `refreshing` or `baking` when the revocation came was taken back (`superseded`), not left as it was.
 */
export function waveOutcome(r: Pick<RolloutRecord, 'state'>, w: RolloutWave): string {
  const underWay = w.state === 'refreshing' || w.state === 'baking';
  // Likewise an aborted rollout's wave under way: its refreshes were cancelled (each group's status says how far).
  if (underWay && (r.state === 'superseded' || r.state === 'aborted')) return r.state;
  return w.state;
}

/** What a stopped rollout says: why, and that no further wave starts. */
const stoppedText = (r: RolloutRecord) =>
  `${r.reason ?? 'its execution is no longer running'} — no further wave; see operating.md`;

/**
 * What a wave no group was refreshed in says, in `history` and `rollout status` alike:
 * `wave 2/3 (wave-1): no ready group follows base/prod — nothing to refresh`. The engine skips a wave whose accounts
 * hold no group that follows the channel and is ready for a refresh (core/rollout/plan.ts).
 */
export function emptyWaveText(r: Pick<RolloutRecord, 'image' | 'channel' | 'waves'>, n: number): string {
  const w = r.waves[n];
  return `wave ${n + 1}/${r.waves.length}${w ? ` (${w.name})` : ''}: no ready group follows ${r.image}/${r.channel} — nothing to refresh`;
}

/**
 * Groups a rollout refreshed and kept (Successful, in a wave not rolled back), those it rolled back, and those whose
 * refresh was cancelled (an abort: AWS reported Cancelling or Cancelled when the engine read it back).
 */
function refreshCounts(r: RolloutRecord): { refreshed: number; rolledBack: number; cancelled: number } {
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
    rolledBack: back.reduce((sum, w) => sum + w.groups.length, 0) + kept.reduce((sum, w) => sum + rolled(w), 0),
    cancelled: kept.reduce((sum, w) => sum + w.groups.filter((g) => CANCELLED.has(g.status)).length, 0),
  };
}

/**
 * The line `status` shows for a channel's last rollout once it has ended, until a newer one starts:
 * `rollout 1.0.0/3: completed 2027-01-07 10:12, 3 waves, 20 groups refreshed`; halted, aborted or superseded, with
 * the wave it stopped at, why, what it refreshed and what it rolled back.
 */
function endedStatusLine(r: RolloutRecord): string {
  const { refreshed, rolledBack, cancelled } = refreshCounts(r);
  // A rollout taken back after it ended is told as of the revocation (its own end is in `history`).
  const at = minute(r.takenBack?.at ?? r.endedAt ?? r.updatedAt);
  const counts = [
    `${groups(refreshed)} refreshed`,
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

/** One line of a rollout's story for `history`, with its kind (what caused what within an instant). */
export interface RolloutLine {
  at: string;
  what: string;
  kind: RolloutLineKind;
  /** What `history --verbose` (and `--json`) lists under the line: the skipped groups, one per line. */
  details?: string[];
}

/**
 * The kinds of rollout line in causal order within one instant: a wave ends before the rollout halts or completes,
 * the halt before the wave's rollback it caused, an operator's resumption before the wave it lets start, a
 * superseded rollout before its successor's first wave.
 */
export const ROLLOUT_LINE_KINDS = [
  'ROLLOUT-WAVE-END',
  'ROLLOUT-END',
  'ROLLOUT-WAVE-BACK',
  'ROLLOUT-ACTION',
  'ROLLOUT-SKIPPED',
  'ROLLOUT-WAVE-START',
] as const;
export type RolloutLineKind = (typeof ROLLOUT_LINE_KINDS)[number];

function waveLines(r: RolloutRecord, w: RolloutWave, n: number): RolloutLine[] {
  const name = `rollout wave ${n + 1}/${r.waves.length} (${w.name})`;
  const lines: RolloutLine[] = [];
  if (w.state === 'skipped') {
    const at = w.endedAt ?? w.startedAt;
    return at ? [{ at, what: `rollout ${emptyWaveText(r, n)}`, kind: 'ROLLOUT-WAVE-END' }] : [];
  }
  if (w.startedAt) {
    lines.push({
      at: w.startedAt,
      what: `${name} started: ${groups(w.groups.length)} in ${accountsOf(w)} account(s)`,
      kind: 'ROLLOUT-WAVE-START',
    });
  }
  const endedAt = w.endedAt;
  if (!endedAt) return lines;
  const bad = failed(w);
  const first = bad[0];
  const why = first
    ? ` (${first.group} in ${first.account} ${first.region}: ${first.status}${first.statusReason ? `, ${first.statusReason}` : ''})`
    : '';
  const refusals = w.failures ?? [];
  const refused = refusals[0] ? `; ${refusalCount(w)} refused (${refusalText(refusals[0])})` : '';
  const what: Partial<Record<RolloutWave['state'], string>> = {
    healthy: `${name} healthy: ${done(w)}/${groups(w.groups.length)} refreshed and baked`,
    failed: `${name} failed: ${bad.length}/${groups(w.groups.length)} failed${why}${refused}`,
    'rolled-back': `${name} rolled back: ${groups(w.groups.length)} back on their previous launch template version${why}`,
  };
  const text = what[w.state];
  // A rollback is the halt's effect: at the same instant it reads after the halt.
  const kind = w.state === 'rolled-back' ? 'ROLLOUT-WAVE-BACK' : 'ROLLOUT-WAVE-END';
  if (text) lines.push({ at: endedAt, what: text, kind });
  return lines;
}

/**
 * How the rollout ended, when the operator's log does not already tell it (an abort is one of its lines); one taken
 * back after it ended: how it had ended, then the revocation that superseded it.
 */
function endLines(r: RolloutRecord): RolloutLine[] {
  const taken = r.takenBack;
  if (!taken) return [endLine(r)].flatMap((l) => (l ? [l] : []));
  const { reason: _reason, ...rest } = r;
  const before = endLine({ ...rest, state: taken.from, ...(taken.reason !== undefined && { reason: taken.reason }) });
  const reason = r.reason ? `: ${r.reason}` : '';
  const superseded: RolloutLine = { at: taken.at, what: `rollout superseded${reason}`, kind: 'ROLLOUT-END' };
  return before ? [before, superseded] : [superseded];
}

function endLine(r: RolloutRecord): RolloutLine | undefined {
  if (isOpenRollout(r) || !r.endedAt) return undefined;
  const reason = r.reason ? `: ${r.reason}` : '';
  if (r.state === 'completed') {
    const refreshed = r.waves.reduce((sum, w) => sum + done(w), 0);
    return {
      at: r.endedAt,
      what: `rollout completed: ${r.waves.length} wave(s), ${groups(refreshed)} refreshed${reason}`,
      kind: 'ROLLOUT-END',
    };
  }
  if (r.state === 'halted') {
    const rest = r.waves.slice(r.currentWave + 1).map((w) => w.name);
    const left = rest.length > 0 ? `; ${rest.join(', ')} will not start` : '';
    return { at: r.endedAt, what: `rollout halted${reason}${left}`, kind: 'ROLLOUT-END' };
  }
  if (r.state === 'stopped') return { at: r.endedAt, what: `rollout stopped: ${stoppedText(r)}`, kind: 'ROLLOUT-END' };
  if (r.state === 'aborted' && r.operatorActions?.some((a) => a.action === 'abort')) return undefined;
  const by = r.by && r.state === 'aborted' ? ` by ${r.by}` : '';
  return { at: r.endedAt, what: `rollout ${r.state}${by}${reason}`, kind: 'ROLLOUT-END' };
}

/** The story of one rollout: each wave's start and end, the operator's pauses, resumptions and abort, its end. */
export function rolloutHistory(r: RolloutRecord): RolloutLine[] {
  const lines = r.waves.flatMap((w, n) => waveLines(r, w, n));
  for (const a of r.operatorActions ?? []) {
    const past = { pause: 'paused', resume: 'resumed', abort: 'aborted' }[a.action];
    lines.push({
      at: a.at,
      what: `rollout ${past} by ${a.by}${a.reason ? `: ${a.reason}` : ''}`,
      kind: 'ROLLOUT-ACTION',
    });
  }
  // A record the operator paused before it kept a log: its one pause, from the record itself.
  if (r.state === 'paused' && !r.operatorActions?.length) {
    lines.push({
      at: r.updatedAt,
      what: `rollout paused${r.by ? ` by ${r.by}` : ''}${r.reason ? `: ${r.reason}` : ''}`,
      kind: 'ROLLOUT-ACTION',
    });
  }
  lines.push(...endLines(r));
  const skipped = skippedCount(r);
  if (skipped > 0) {
    lines.push({
      at: r.endedAt ?? r.updatedAt,
      what: `rollout: ${groups(skipped)} following the channel skipped (not refreshed)`,
      kind: 'ROLLOUT-SKIPPED',
      details: r.skippedGroups.map((g) => `${g.group} in ${g.account} ${g.region}: ${g.reason}`),
    });
  }
  return lines;
}
