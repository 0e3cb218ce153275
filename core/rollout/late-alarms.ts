import { isActiveRefresh } from './plan.js';
import type { RolloutGroup, RolloutRecord, WaveAlarm } from './record.js';
import { movesToWatch } from './supersede.js';

/**
 * A finished wave whose alarm fires later, while the rollout goes on: Auto Scaling evaluates a refresh's alarms only
 * until it ends (its bake included: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html),
 * so Goldsmith reads them itself for every finished wave until the rollout ends. One in ALARM halts the rollout and
 * takes that wave's groups back to the launch template version they ran before, by a new refresh each. Pure: the
 * engine reads CloudWatch and Auto Scaling, this says what that means for the record.
 */

/** Where to read a finished wave's alarms: each account and Region in which it refreshed a group. */
export interface AlarmScope {
  wave: number;
  account: string;
  region: string;
}

/**
 * The finished waves' scopes, wave by wave: while the rollout runs or is paused, each `healthy` wave that refreshed a
 * group, once per account and Region. None once it has ended (completed: its last wave healthy and baked).
 */
export function alarmScopes(record: RolloutRecord): AlarmScope[] {
  if (record.state !== 'running' && record.state !== 'paused') return [];
  return record.waves.flatMap((w, wave) => {
    if (w.state !== 'healthy' || w.alarm) return [];
    const seen = new Set<string>();
    return w.groups.flatMap((g) => {
      const key = `${g.account}/${g.region}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ wave, account: g.account, region: g.region }];
    });
  });
}

/** Every account and Region where the wave's alarm was read in ALARM (a record that kept one: that one). */
export function alarmedScopes(alarm: Omit<WaveAlarm, 'at'>): { account: string; region: string }[] {
  return alarm.alarmedIn ?? [{ account: alarm.account, region: alarm.region }];
}

/** Whether `g` is in one of the accounts and Regions where the wave's alarm was read in ALARM. */
export function inAlarmedScope(alarm: Omit<WaveAlarm, 'at'>) {
  const keys = new Set(alarmedScopes(alarm).map((s) => `${s.account}/${s.region}`));
  return (g: { account: string; region: string }) => keys.has(`${g.account}/${g.region}`);
}

/** `111111111111 us-east-1`, `111111111111 us-east-1, 222222222222 us-east-1`: the first three, then how many more. */
export function alarmedWhere(alarm: Omit<WaveAlarm, 'at'>): string {
  const all = alarmedScopes(alarm).map((s) => `${s.account} ${s.region}`);
  const more = all.length - 3;
  return `${all.slice(0, 3).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** The halt's reason: which wave, which alarm, where (each account and Region it was read in ALARM, counted). */
export function lateAlarmReason(record: RolloutRecord, wave: number, alarm: WaveAlarm): string {
  const name = record.waves[wave]?.name ?? String(wave);
  return `wave ${name} alarm ${alarm.name} in ALARM in ${alarmedWhere(alarm)} after the wave finished`;
}

/** The wave `wave` failed by `alarm`, its groups as the move back recorded them (`back` set). */
export function withLateAlarm(
  record: RolloutRecord,
  wave: number,
  alarm: WaveAlarm,
  moved: readonly RolloutGroup[],
  now: string,
): RolloutRecord {
  const key = (g: RolloutGroup) => `${g.account}/${g.region}/${g.group}/${g.refreshId}`;
  const byKey = new Map(moved.map((g) => [key(g), g]));
  const waves = record.waves.map((w, i) =>
    i === wave ? { ...w, state: 'failed' as const, alarm, groups: w.groups.map((g) => byKey.get(key(g)) ?? g) } : w,
  );
  // A group another refresh was running on could not be moved: named on its own, like any group skipped later.
  const notMoved = moved.flatMap((g) =>
    g.back && g.back.refreshId === ''
      ? [{ account: g.account, region: g.region, group: g.group, reason: g.back.statusReason ?? 'not moved back' }]
      : [],
  );
  return { ...record, waves, skippedGroups: [...record.skippedGroups, ...notMoved], updatedAt: now };
}

/**
 * A halted rollout's alarmed wave still read under `lateAlarmScope: account`: its accounts and Regions not yet
 * alarmed, each read again at every check until the watch ends (`until`): `bakeMinutes` after the alarm halted the
 * rollout, the time a wave is given to prove itself. An operator's action on the rollout since the halt (a retry:
 * `goldsmith rollout retry`) ends it too; so does the wave going back whole. Undefined when nothing is watched.
 */
export function alarmWatchAfterHalt(
  record: RolloutRecord,
  bakeMinutes: number,
  now: string,
): { wave: number; until: string; scopes: AlarmScope[] } | undefined {
  if (record.state !== 'halted') return undefined;
  const wave = record.waves.findIndex((w) => w.alarm?.scope === 'account' && w.state === 'failed');
  const alarm = record.waves[wave]?.alarm;
  if (!alarm) return undefined;
  const halted = Date.parse(alarm.at);
  const until = new Date(halted + bakeMinutes * 60_000).toISOString();
  if (!(Date.parse(now) < Date.parse(until))) return undefined;
  if ((record.operatorActions ?? []).some((a) => Date.parse(a.at) >= halted)) return undefined;
  const alarmed = inAlarmedScope(alarm);
  const seen = new Set<string>();
  const scopes = (record.waves[wave]?.groups ?? []).flatMap((g) => {
    const key = `${g.account}/${g.region}`;
    if (seen.has(key) || alarmed(g)) return [];
    seen.add(key);
    return [{ wave, account: g.account, region: g.region }];
  });
  return { wave, until, scopes };
}

/**
 * The wave's alarm with more accounts and Regions read in ALARM after the halt (`later`, after those it names): each
 * of them has its groups taken back as the halt took back the first's.
 */
export function withLaterAlarmed(alarm: WaveAlarm, later: readonly { account: string; region: string }[]): WaveAlarm {
  const before = alarmedScopes(alarm);
  return { ...alarm, alarmedIn: [...before, ...later.map((s) => ({ account: s.account, region: s.region }))] };
}

/** The move-back refreshes of alarmed waves still to read (each running one, by its own id). */
export function lateRefreshesToWatch(record: RolloutRecord): RolloutGroup[] {
  return record.waves.filter((w) => w.alarm && w.state === 'failed').flatMap((w) => movesToWatch(w.groups));
}

export type LateRollbackStep =
  /** No alarmed wave is on its way back. */
  | { kind: 'none' }
  /** A move-back refresh is still running. */
  | { kind: 'wait' }
  /**
   * Every move-back refresh ended: `rolledBack` the waves all of whose groups are back (the others stay `failed`: a
   * move back that failed, or an alarm that took back only its own account's groups).
   */
  | { kind: 'settled'; rolledBack: number[] };

/** Where the alarmed waves' move back stands. */
export function planLateRollback(record: RolloutRecord): LateRollbackStep {
  const waves = record.waves.map((w, i) => ({ w, i })).filter(({ w }) => w.alarm && w.state === 'failed');
  if (waves.length === 0) return { kind: 'none' };
  // Only the groups the alarm's scope moved (`back` set) are waited on (lateAlarmScope: its account's, or the wave's).
  const moving = waves.some(({ w }) => w.groups.some((g) => g.back !== undefined && isActiveRefresh(g.back.status)));
  if (moving) return { kind: 'wait' };
  const rolledBack = waves.filter(({ w }) => w.groups.every((g) => g.back?.status === 'Successful')).map(({ i }) => i);
  return { kind: 'settled', rolledBack };
}

/** The record with these waves `rolled-back`. */
export function withLateSettled(record: RolloutRecord, rolledBack: readonly number[], now: string): RolloutRecord {
  const waves = record.waves.map((w, i) =>
    rolledBack.includes(i) ? { ...w, state: 'rolled-back' as const, rolledBackAt: now } : w,
  );
  return { ...record, waves, updatedAt: now };
}
