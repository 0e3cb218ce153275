import { alarmedScopes, alarmedWhere, inAlarmedScope } from '../rollout/late-alarms.js';
import { isOpenRollout, waveText } from '../rollout/operator.js';
import type { RetriedHalt, RolloutRecord, RolloutWave, SkippedGroup } from '../rollout/record.js';
import { NOT_MOVED } from '../rollout/supersede.js';
import { joinedText, movedInText } from '../rollout/wave-members.js';
import {
  accountsOf,
  done,
  emptyWaveText,
  groups,
  refreshedText,
  skippedCount,
  stoppedText,
  unmoved,
} from './rollout-counts.js';
import { failedWhy, waveEndText } from './rollout-wave-end.js';

/** The story `history` tells of a rollout, line by line, from its record alone. */

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
  const moved = [w.movedIn && movedInText(w.movedIn), w.joined && joinedText(w.joined)]
    .flatMap((t) => (t ? [`; ${t}`] : []))
    .join('');
  if (w.state === 'skipped') {
    const at = w.endedAt ?? w.startedAt;
    return at ? [{ at, what: `rollout ${emptyWaveText(r, n)}${moved}`, kind: 'ROLLOUT-WAVE-END' }] : [];
  }
  if (w.startedAt) {
    lines.push({
      at: w.startedAt,
      what: `${name} started: ${groups(w.groups.length)} in ${accountsOf(w)} account(s)${moved}`,
      kind: 'ROLLOUT-WAVE-START',
    });
  }
  const endedAt = w.endedAt;
  const end = waveEndText(w);
  if (!endedAt) return lines;
  if (end) lines.push({ at: endedAt, what: `${name} ${end}`, kind: 'ROLLOUT-WAVE-END' });
  lines.push(...backLines(r, w, name, failedWhy(w)));
  return lines;
}

/**
 * A wave's way back, told after the halt that caused it: its rollback when it is recorded (`rolledBackAt`; a record
 * without one, at the halt), and the groups a later alarm took back when only its account's went.
 */
function backLines(r: RolloutRecord, w: RolloutWave, name: string, why: string): RolloutLine[] {
  const haltAt = w.alarm?.at ?? r.endedAt ?? w.endedAt ?? r.updatedAt;
  if (w.state === 'rolled-back') {
    const what = `${name} rolled back: ${groups(w.groups.length)} back on their previous launch template version${w.alarm ? '' : why}`;
    return [{ at: w.rolledBackAt ?? haltAt, what, kind: 'ROLLOUT-WAVE-BACK' }];
  }
  const alarm = w.alarm;
  const back = w.groups.filter((g) => g.back?.status === 'Successful').length;
  if (!alarm || back === 0) return [];
  // Which groups the alarm took back: the channel's lateAlarmScope as recorded when it fired (an older record: as the
  // groups given a refresh back show it).
  const scope = alarm.scope ?? (w.groups.filter((g) => g.back).every(inAlarmedScope(alarm)) ? 'account' : 'wave');
  const of = `${back}/${groups(w.groups.length)}`;
  const where = alarmedWhere(alarm);
  const accounts = alarmedScopes(alarm).length > 1 ? "the alarmed accounts'" : "the alarm's account";
  const what =
    scope === 'account'
      ? `${name}: ${of} in ${where} back on their previous launch template version (lateAlarmScope account: ${accounts})`
      : `${name}: ${of} back on their previous launch template version (lateAlarmScope wave: the whole wave, for the alarm in ${where})`;
  return [{ at: alarm.at, what, kind: 'ROLLOUT-WAVE-BACK' }];
}

/**
 * What a retry started again, as it was before: each reset wave's start and end (by count), and the halt it retried.
 */
function retriedLines(r: RolloutRecord, h: RetriedHalt): RolloutLine[] {
  const lines: RolloutLine[] = h.waves.flatMap((w, k) => {
    const name = `rollout wave ${h.fromWave + k + 1}/${r.waves.length} (${w.name})`;
    const inAccounts = w.accounts === undefined ? '' : ` in ${w.accounts} account(s)`;
    const started: RolloutLine[] = w.startedAt
      ? [{ at: w.startedAt, what: `${name} started: ${groups(w.groups)}${inAccounts}`, kind: 'ROLLOUT-WAVE-START' }]
      : [];
    // A wave that rolled back had failed first (or, alarmed after it finished, been healthy): its end, then its way back.
    // Its end as history told it before the retry, when the retry kept it (an older record: its count alone).
    const endState = w.alarmed ? 'healthy' : w.state === 'rolled-back' ? 'failed' : w.state;
    const ended: RolloutLine[] = w.endedAt
      ? [{ at: w.endedAt, what: `${name} ${w.ended ?? `${endState}: ${groups(w.groups)}`}`, kind: 'ROLLOUT-WAVE-END' }]
      : [];
    if (w.state === 'rolled-back') {
      const what = `${name} rolled back: ${groups(w.groups)} back on their previous launch template version`;
      ended.push({ at: w.rolledBackAt ?? h.at, what, kind: 'ROLLOUT-WAVE-BACK' });
    }
    return [...started, ...ended];
  });
  const b = h.before;
  if (b) {
    const why = b.reason ? `: ${b.reason}` : '';
    const what =
      b.state === 'completed'
        ? `rollout completed: ${r.waves.length} wave(s), ${groups(b.refreshed)} refreshed${why}`
        : `rollout ${b.state}${why}`;
    lines.push({ at: b.at, what, kind: 'ROLLOUT-END' });
  }
  const ended = h.superseded ? 'superseded' : 'halted';
  lines.push({ at: h.at, what: `rollout ${ended}${h.reason ? `: ${h.reason}` : ''}`, kind: 'ROLLOUT-END' });
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
    const none = r.waves.reduce((sum, w) => sum + unmoved(w), 0);
    return {
      at: r.endedAt,
      what: `rollout completed: ${r.waves.length} wave(s), ${refreshedText(refreshed, none)}${reason}`,
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
    if (a.retried) lines.push(...retriedLines(r, a.retried));
    const past = { pause: 'paused', resume: 'resumed', abort: 'aborted', retry: 'retried' }[a.action];
    const from = a.retried ? ` from ${waveText({ waves: r.waves, currentWave: a.retried.fromWave })}` : '';
    // A superseded rollout whose version came back (a rollback taken back) starts again: told as such.
    const head = a.retried?.superseded
      ? `rollout of ${r.version} to ${r.channel} starts again${from}, by ${a.by}`
      : `rollout ${past} by ${a.by}${from}`;
    lines.push({
      at: a.at,
      what: `${head}${a.reason ? `: ${a.reason}` : ''}`,
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
  lines.push(...skippedLines(r));
  return lines;
}

/**
 * The groups the rollout did not refresh, counted; and apart from them, the groups it refreshed that a take-back then
 * left where their team had moved them since (`back` NotMoved), which are named among the skipped ones in the record.
 */
function skippedLines(r: RolloutRecord): RolloutLine[] {
  const key = (g: { account: string; region: string; group: string }) => `${g.account}/${g.region}/${g.group}`;
  const refreshedThenLeft = new Set(
    r.waves.flatMap((w) => w.groups.filter((g) => g.status === 'Successful' && g.back?.status === NOT_MOVED).map(key)),
  );
  const isLeft = (g: SkippedGroup) => g.wave === undefined && refreshedThenLeft.has(key(g));
  const left = r.skippedGroups.filter(isLeft);
  const notRefreshed = r.skippedGroups.filter((g) => !isLeft(g));
  const at = r.endedAt ?? r.updatedAt;
  const detail = (g: SkippedGroup) => `${g.group} in ${g.account} ${g.region}: ${g.reason}`;
  const lines: RolloutLine[] = [];
  const skipped = skippedCount(r) - left.length;
  if (skipped > 0) {
    const what = `rollout: ${groups(skipped)} following the channel skipped (not refreshed)`;
    lines.push({ at, what, kind: 'ROLLOUT-SKIPPED', details: notRefreshed.map(detail) });
  }
  if (left.length > 0) {
    const what = `rollout: ${groups(left.length)} refreshed, then left as ${left.length === 1 ? 'its team' : 'their teams'} moved ${left.length === 1 ? 'it' : 'them'} since (not taken back)`;
    lines.push({ at, what, kind: 'ROLLOUT-SKIPPED', details: left.map(detail) });
  }
  return lines;
}
