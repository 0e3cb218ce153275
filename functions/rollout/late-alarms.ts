import { alarmsInAlarm } from '../../aws/rollout/rollout-alarms.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import {
  type AlarmScope,
  alarmScopes,
  alarmWatchAfterHalt,
  inAlarmedScope,
  lateAlarmReason,
  lateRefreshesToWatch,
  planLateRollback,
  withLateAlarm,
  withLaterAlarmed,
  withLateSettled,
} from '../../core/rollout/late-alarms.js';
import { isActiveRefresh } from '../../core/rollout/plan.js';
import type { RolloutGroup, RolloutRecord, WaveAlarm } from '../../core/rollout/record.js';
import { unlessRefused } from '../../core/rollout/refusal.js';
import { withMoveStatuses } from '../../core/rollout/supersede.js';
import { moveBack } from './supersede.js';
import { cancelGroups, readStatuses } from './take-back.js';
import { type RolloutContext, SCOPE_CONCURRENCY, scopeOf } from './wave.js';

/**
 * The first finished wave with one of the catalog's alarms in ALARM in its accounts and Regions (read through each
 * member account's rollout role), with every account and Region of that wave where one is (`alarmedIn`, the first
 * named as the alarm's own); undefined when none is.
 */
export async function findLateAlarm(
  ctx: RolloutContext,
  record: RolloutRecord,
  now: string,
): Promise<{ wave: number; alarm: WaveAlarm } | undefined> {
  const names = ctx.settings.alarms ?? [];
  if (names.length === 0) return undefined;
  const scopes = alarmScopes(record);
  // An account that refuses the read (its role gone since the wave) is not read: the others still are.
  const read = await mapWithConcurrency(scopes, SCOPE_CONCURRENCY, async (s: AlarmScope) => {
    const out = await unlessRefused(() => alarmsInAlarm(scopeOf(ctx, s.account, s.region), names));
    return { scope: s, firing: 'value' in out ? out.value : [] };
  });
  const hit = read.find((r) => r.firing.length > 0);
  const name = hit?.firing[0];
  if (!hit || name === undefined) return undefined;
  const where = read
    .filter((r) => r.scope.wave === hit.scope.wave && r.firing.length > 0)
    .map((r) => ({ account: r.scope.account, region: r.scope.region }));
  const alarm: WaveAlarm = { name, account: hit.scope.account, region: hit.scope.region, at: now };
  return { wave: hit.scope.wave, alarm: where.length > 1 ? { ...alarm, alarmedIn: where } : alarm };
}

/**
 * The catalog alarm in ALARM where a failed refresh ran (its account and Region), read as the account's rollout role:
 * what failed the refresh when its AlarmSpecification did. Undefined when none is, or the account refuses the read.
 */
export async function alarmBehind(
  ctx: RolloutContext,
  failed: Pick<RolloutGroup, 'account' | 'region'> | undefined,
): Promise<Omit<WaveAlarm, 'at'> | undefined> {
  const names = ctx.settings.alarms ?? [];
  if (!failed || names.length === 0) return undefined;
  const read = await unlessRefused(() => alarmsInAlarm(scopeOf(ctx, failed.account, failed.region), names));
  const name = 'value' in read ? read.value[0] : undefined;
  return name === undefined ? undefined : { name, account: failed.account, region: failed.region };
}

/**
 * Halts on a finished wave's alarm: the current wave's refreshes still running are cancelled (no further wave
 * starts), and the alarmed wave's groups the channel's `lateAlarmScope` names (`account`: those in each account and
 * Region where the alarm was read in ALARM; `wave`: all of them) each get a new refresh back to the launch template version they ran before
 * (moveBack with no replacement version, which leaves a group its team moved on since as it is; a retry finds its
 * own refresh: `after`). @returns the record to save as `halted`, and its reason.
 */
export async function haltOnLateAlarm(
  ctx: RolloutContext,
  record: RolloutRecord,
  found: { wave: number; alarm: WaveAlarm },
  now: string,
): Promise<{ record: RolloutRecord; reason: string }> {
  const reason = lateAlarmReason(record, found.wave, found.alarm);
  const current = record.waves[record.currentWave];
  const running =
    found.wave === record.currentWave ? [] : (current?.groups ?? []).filter((g) => isActiveRefresh(g.status));
  await cancelGroups(ctx, running, now);
  const wave = record.waves[found.wave];
  const alarmed = inAlarmedScope(found.alarm);
  const scope = (wave?.groups ?? []).filter((g) => ctx.settings.lateAlarmScope === 'wave' || alarmed(g));
  const moved = await moveBack(ctx, { amis: {}, why: reason }, [], scope);
  const alarm = { ...found.alarm, scope: ctx.settings.lateAlarmScope };
  return { record: withLateAlarm(record, found.wave, alarm, moved, now), reason };
}

/**
 * Reads a halted rollout's alarmed wave again under `lateAlarmScope: account` (core/rollout/late-alarms.ts's
 * alarmWatchAfterHalt): each of its accounts and Regions now in ALARM has its groups taken back to the launch template
 * version they ran before, as the halt took back the first's (moveBack, which finds its own refresh on a retry), and
 * is added to the alarm (`alarmedIn`), which the halt's reason names. @returns the record and the reason to save, or
 * the record as read when no other account is in ALARM.
 */
export async function takeBackLaterAlarms(
  ctx: RolloutContext,
  record: RolloutRecord,
  now: string,
): Promise<{ record: RolloutRecord; reason?: string }> {
  const names = ctx.settings.alarms ?? [];
  const watch = alarmWatchAfterHalt(record, ctx.settings.bakeMinutes, now);
  const alarm = watch && record.waves[watch.wave]?.alarm;
  if (!watch || !alarm || names.length === 0 || watch.scopes.length === 0) return { record };
  const read = await mapWithConcurrency(watch.scopes, SCOPE_CONCURRENCY, async (s: AlarmScope) => {
    const out = await unlessRefused(() => alarmsInAlarm(scopeOf(ctx, s.account, s.region), names));
    return { scope: s, firing: 'value' in out ? out.value.length > 0 : false };
  });
  const later = read.filter((r) => r.firing).map((r) => r.scope);
  if (later.length === 0) return { record };
  const extended = withLaterAlarmed(alarm, later);
  const reason = lateAlarmReason(record, watch.wave, extended);
  const newly = inAlarmedScope({ ...alarm, alarmedIn: later });
  const scope = (record.waves[watch.wave]?.groups ?? []).filter((g) => newly(g) && g.back === undefined);
  const moved = await moveBack(ctx, { amis: {}, why: reason }, [], scope);
  return { record: withLateAlarm(record, watch.wave, extended, moved, now), reason };
}

/**
 * Follows an alarmed wave's move back: reads its move-back refreshes and, once every one has ended, marks the waves
 * whose groups are all back `rolled-back`. @returns the record and whether the move back has settled (or none ran).
 */
export async function followLateRollback(
  ctx: RolloutContext,
  read: RolloutRecord,
  now: string,
): Promise<{ record: RolloutRecord; settled: boolean }> {
  if (planLateRollback(read).kind === 'none') return { record: read, settled: true };
  const watch = lateRefreshesToWatch(read);
  const record = watch.length > 0 ? withMoveStatuses(read, await readStatuses(ctx, watch), now) : read;
  const step = planLateRollback(record);
  if (step.kind === 'wait') return { record, settled: false };
  if (step.kind === 'settled') return { record: withLateSettled(record, step.rolledBack, now), settled: true };
  return { record, settled: true };
}
