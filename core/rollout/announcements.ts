import { inAlarmedScope } from './late-alarms.js';
import { movedNothing, sumLeftBehind } from './left-behind.js';
import { isActiveRefresh } from './plan.js';
import type { RolloutRecord, RolloutWave, ScopeFailure, SkipSummary } from './record.js';

/** One refusal of a wave: its account, Region and group (a refusal of reading and of starting are told once). */
const failureKey = (f: Pick<ScopeFailure, 'account' | 'region' | 'group'>) =>
  `${f.account}/${f.region}/${f.group ?? ''}`;

type AccountFailed = Extract<RolloutAnnouncement, { event: 'rollout-account-failed' }>;

/**
 * The refusals a wave met since `before`, told once per account and Region, not once per group: an on-call engineer
 * acts on an account (its rollout role, its groups), and 200 refused groups in one account are one thing to fix.
 * Each tells the account's first code and message, how many of its groups refused and their first names; a later
 * step that adds refusals in the same account tells the new count. A record written before refusals were counted
 * (no `refused`) tells each new refusal as before.
 */
function refusalAnnouncements(was: RolloutWave | undefined, wave: RolloutWave, ref: WaveRef): AccountFailed[] {
  if (!wave.refused) {
    const told = new Set((was?.failures ?? []).map(failureKey));
    return (wave.failures ?? [])
      .filter((f) => !told.has(failureKey(f)))
      .map((f) => {
        const where = { account: f.account, region: f.region, ...(f.group !== undefined && { group: f.group }) };
        return { event: 'rollout-account-failed', detail: { ...ref, ...where, code: f.code, reason: f.message } };
      });
  }
  const before = new Map((was?.refused?.accounts ?? []).map((a) => [`${a.account}/${a.region}`, a.failures]));
  return wave.refused.accounts
    .filter((a) => a.failures > (before.get(`${a.account}/${a.region}`) ?? 0))
    .map((a) => {
      const many = a.failures > 1 && a.groups.length > 0;
      const one = a.failures === 1 && a.groups[0] !== undefined ? { group: a.groups[0] } : {};
      return {
        event: 'rollout-account-failed',
        detail: {
          ...ref,
          account: a.account,
          region: a.region,
          ...one,
          ...(many && { refusedGroups: a.failures, firstGroups: a.groups }),
          code: a.code,
          reason: a.message,
        },
      };
    });
}

/**
 * The engine's rollout announcements between two versions of a record: each wave started, healthy, halted or rolled
 * back, the rollout completed, and each group newly skipped. Their `detail` follows the rollout announcements'
 * contract (`rollout-*` in the notification events); each derives only from the records, so a retried step that
 * writes the same record announces the same things, which the announcement ledger sends once.
 */
export type RolloutAnnouncement =
  | {
      event: 'rollout-wave-started';
      detail: WaveRef & { groups: number; accounts: number; regions: string[]; bakeMinutes: number };
    }
  | { event: 'rollout-wave-healthy'; detail: WaveRef & { groups: number; next?: string } }
  | { event: 'rollout-halted'; detail: WaveRef & { reason: string; failedGroups: number; groups: number } }
  | { event: 'rollout-wave-rolled-back'; detail: WaveRef & { groups: number; reason: string } }
  | { event: 'rollout-completed'; detail: { waves: number; groups: number; unmoved: number; skipped: number } }
  | { event: 'rollout-groups-skipped'; detail: WaveRef & { skipped: number; reasons: SkipSummary['reasons'] } }
  | {
      event: 'rollout-account-failed';
      detail: WaveRef & {
        account: string;
        region: string;
        group?: string;
        /** How many of the account's groups refused, when more than one did; `firstGroups` names the first. */
        refusedGroups?: number;
        firstGroups?: string[];
        code: string;
        reason: string;
      };
    }
  | {
      event: 'rollout-groups-unmoved';
      detail: WaveRef & {
        groups: number;
        instances: number;
        protected: number;
        standby: number;
        firstGroups: string[];
      };
    }
  | {
      event: 'rollout-groups-taken-back';
      detail: WaveRef & {
        groups: number;
        of: number;
        notBack: number;
        scope: 'account' | 'wave';
        reason: string;
      };
    }
  | { event: 'rollout-group-skipped'; detail: { account: string; region: string; group: string; reason: string } };

interface WaveRef {
  wave: string;
  waveNumber: number;
  waves: number;
}

const FAILED = new Set([
  'Failed',
  'Cancelled',
  'Cancelling',
  'RollbackInProgress',
  'RollbackSuccessful',
  'RollbackFailed',
]);

/** What changed from `before` (absent: the record was just created) to `after`, as announcements, in causal order. */
export function rolloutAnnouncements(
  before: RolloutRecord | undefined,
  after: RolloutRecord,
  bakeMinutes: number,
): RolloutAnnouncement[] {
  const out: RolloutAnnouncement[] = [];
  // A wave's rollback is told after the halt that started it, when both are seen in one step.
  const rolledBack: RolloutAnnouncement[] = [];
  const total = after.waves.length;
  const known = new Set((before?.skippedGroups ?? []).map((s) => `${s.account}/${s.region}/${s.group}`));
  // A group a wave's start skipped is told in that wave's one summary; one skipped later (a rollback that could not
  // start) on its own.
  for (const { wave, ...s } of after.skippedGroups) {
    if (wave === undefined && !known.has(`${s.account}/${s.region}/${s.group}`))
      out.push({ event: 'rollout-group-skipped', detail: s });
  }
  after.waves.forEach((wave, i) => {
    const was = before?.waves[i]?.state ?? 'pending';
    const ref = { wave: wave.name, waveNumber: i + 1, waves: total };
    if (was === 'pending' && wave.state !== 'pending' && wave.state !== 'skipped') {
      out.push({
        event: 'rollout-wave-started',
        detail: {
          ...ref,
          groups: wave.groups.length,
          accounts: new Set(wave.groups.map((g) => g.account)).size,
          regions: [...new Set(wave.groups.map((g) => g.region))].sort(),
          bakeMinutes,
        },
      });
      if (wave.skipped && wave.skipped.total > 0) {
        const detail = { ...ref, skipped: wave.skipped.total, reasons: wave.skipped.reasons };
        out.push({ event: 'rollout-groups-skipped', detail });
      }
    }
    out.push(...refusalAnnouncements(before?.waves[i], wave, ref));
    out.push(...unmovedAnnouncements(before?.waves[i], wave, ref));
    if (was !== 'rolled-back' && wave.state === 'rolled-back') {
      rolledBack.push({
        event: 'rollout-wave-rolled-back',
        detail: { ...ref, groups: wave.groups.length, reason: after.reason ?? `wave ${wave.name} failed` },
      });
    }
    if (was !== 'healthy' && wave.state === 'healthy') {
      const next = after.waves[i + 1]?.name;
      out.push({
        event: 'rollout-wave-healthy',
        detail: { ...ref, groups: wave.groups.length, ...(next && { next }) },
      });
    }
  });
  if (before?.state !== 'halted' && after.state === 'halted') {
    // Halted by a finished wave's alarm: that wave is the one named.
    const alarmed = after.waves.findIndex((w) => w.alarm !== undefined);
    const index = alarmed >= 0 ? alarmed : after.currentWave;
    const wave = after.waves[index];
    out.push({
      event: 'rollout-halted',
      detail: {
        wave: wave?.name ?? '',
        waveNumber: index + 1,
        waves: total,
        reason: after.reason ?? 'a refresh failed',
        failedGroups: (wave?.groups ?? []).filter((g) => FAILED.has(g.status)).length,
        groups: wave?.groups.length ?? 0,
      },
    });
  }
  out.push(...rolledBack);
  after.waves.forEach((wave, i) => {
    const taken = takenBack(before?.waves[i], wave, { wave: wave.name, waveNumber: i + 1, waves: total }, after);
    if (taken) out.push(taken);
  });
  if (before?.state !== 'completed' && after.state === 'completed') {
    out.push({
      event: 'rollout-completed',
      detail: {
        waves: total,
        groups: after.waves.reduce((n, w) => n + w.groups.length, 0),
        // Of those, the groups whose refresh moved no instance (all protected or in Standby): told apart.
        unmoved: after.waves.reduce((n, w) => n + w.groups.filter(movedNothing).length, 0),
        skipped: after.skippedGroups.length,
      },
    });
  }
  return out;
}

/**
 * The groups of a wave whose refresh ended Successful having moved none of their instances (all protected from scale
 * in or in Standby), told when their count grows: once per wave as its groups are read.
 */
function unmovedAnnouncements(was: RolloutWave | undefined, wave: RolloutWave, ref: WaveRef): RolloutAnnouncement[] {
  const unmoved = wave.groups.filter(movedNothing);
  if (unmoved.length <= (was?.groups ?? []).filter(movedNothing).length) return [];
  const left = sumLeftBehind(unmoved);
  const firstGroups = unmoved.slice(0, 3).map((g) => `${g.group} in ${g.account} ${g.region}`);
  const detail = { ...ref, groups: unmoved.length, instances: left.instances, protected: left.protected };
  return [{ event: 'rollout-groups-unmoved', detail: { ...detail, standby: left.standby, firstGroups } }];
}

/** Whether a wave's move back (some of its groups given a refresh back: `back`) has ended, every one of them. */
const movedBackSettled = (w: RolloutWave | undefined) =>
  w?.groups.some((g) => g.back) === true && !w.groups.some((g) => g.back && isActiveRefresh(g.back.status));

/**
 * An alarmed wave's take-back that ended without the whole wave going back (the alarm's account only, or a group that
 * could not be moved): told once, when its last refresh back ends. The whole wave back is `rollout-wave-rolled-back`.
 */
function takenBack(was: RolloutWave | undefined, wave: RolloutWave, ref: WaveRef, after: RolloutRecord) {
  if (!wave.alarm || wave.state !== 'failed' || !movedBackSettled(wave) || movedBackSettled(was)) return undefined;
  const moved = wave.groups.filter((g) => g.back);
  const back = moved.filter((g) => g.back?.status === 'Successful').length;
  const scope = wave.alarm.scope ?? (moved.every(inAlarmedScope(wave.alarm)) ? 'account' : 'wave');
  // The halt's reason names each account and Region where the alarm was read in ALARM (late-alarms.ts).
  const reason = after.reason ?? `wave ${wave.name} alarm ${wave.alarm.name} in ALARM`;
  const detail = { ...ref, groups: back, of: wave.groups.length, notBack: moved.length - back, scope, reason };
  return { event: 'rollout-groups-taken-back', detail } satisfies RolloutAnnouncement;
}

/**
 * What tells one announcement from another of the same event about the same rollout (the announcement's id hashes
 * it with the event, image, channel and version): the wave it names, or the group skipped; a rollout halts and
 * completes at most once.
 */
export function announcementKey(a: RolloutAnnouncement): string {
  if (a.event === 'rollout-group-skipped') return `${a.detail.account}/${a.detail.region}/${a.detail.group}`;
  if (a.event === 'rollout-account-failed') {
    // A later step's new refusals in the same account are told again, with the new count.
    const count = a.detail.refusedGroups === undefined ? '' : `#${a.detail.refusedGroups}`;
    return `${a.detail.wave}/${failureKey(a.detail)}${count}`;
  }
  if (a.event === 'rollout-completed' || a.event === 'rollout-halted') return '';
  // More of a wave's groups found unmoved later are told again, with the new count.
  if (a.event === 'rollout-groups-unmoved') return `${a.detail.wave}#${a.detail.groups}`;
  // A later account's alarm after the halt takes more of the wave back: told again, with the new count.
  if (a.event === 'rollout-groups-taken-back') return `${a.detail.wave}#${a.detail.groups}`;
  return a.detail.wave;
}
