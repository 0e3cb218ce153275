import type { InstanceRefresh } from './autoscaling-refresh-types.js';

/**
 * How fast an instance refresh of the fake goes: its timings, its batches (bounded by the healthy percentages and the
 * next checkpoint), its percentage complete, and which instances it may replace now (protected and Standby ones by
 * the refresh's preferences).
 */

export const HOUR = 3_600_000;
/** A new instance's launch and health check before its warm-up counts (about 90 s per instance observed at https://www.repost.aws/zh-Hant/questions/QU9RKhLxhnSRGeKNlRWkP_2A/asg-instance-refresh-spends-too-much-time-evaluating-instance-health). */
export const LAUNCH_MS = 90_000;
/** How often blocked replacements are retried within the documented hour. */
export const RETRY_MS = 5 * 60_000;
/** https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html: "Total duration … 14 days". */
export const MAX_DURATION_MS = 14 * 24 * HOUR;
/** How long a refresh stays Pending before it starts replacing (not documented: the fake's figure). */
export const PENDING_MS = 30_000;

export function refreshPercentage(r: InstanceRefresh): number {
  const done = r.total === 0 ? 100 : Math.floor((r.replaced * 100) / r.total);
  if (!r.rollback) return done;
  const left = r.rollback.toReplace.length === 0 ? 0 : 1 - r.rollback.done / r.rollback.toReplace.length;
  return Math.floor(r.rollback.percentage * left);
}

/** Replacements per batch: what the healthy percentages allow, at least one, no more than the next checkpoint needs. */
export function batchSize(r: InstanceRefresh): number {
  const n = r.total;
  const allowed = Math.max(1, Math.floor((n * r.prefs.maxHealthy) / 100) - Math.ceil((n * r.prefs.minHealthy) / 100));
  const next = r.prefs.checkpoints?.[r.checkpointsDone];
  const toCheckpoint = next === undefined ? allowed : Math.max(1, Math.ceil((n * next) / 100) - r.replaced);
  return Math.min(allowed, toCheckpoint);
}

/**
 * The instances a refresh may replace now, those it waits for last. ScaleInProtectedInstances and StandbyInstances
 * `Wait` (both the API's default): "waits one hour for you to remove scale-in protection [to return the instances to
 * service]. Otherwise, the instance refresh will fail"
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html). Undefined: it waits
 * (its step is scheduled again) or has failed.
 */
export function replaceable(r: InstanceRefresh, t: number, fail: (reason: string) => void): string[] | undefined {
  const byId = new Map(r.group.instances.map((i) => [i.instanceId, i]));
  const waitsFor = (id: string) => {
    const i = byId.get(id);
    if (i?.lifecycle === 'Standby') return r.prefs.standbyInstances === 'Wait' ? 'in Standby' : undefined;
    return i?.protectedFromScaleIn && r.prefs.protectedInstances === 'Wait' ? 'protected from scale in' : undefined;
  };
  const ready = r.pending.filter((id) => waitsFor(id) === undefined);
  if (ready.length > 0 || r.pending.length === 0) {
    r.waitingSince = undefined;
    return ready;
  }
  const why = [...new Set(r.pending.map(waitsFor))].join(' and ');
  r.waitingSince ??= t;
  if (t - r.waitingSince >= HOUR) {
    fail(`${r.pending.length} instance(s) ${why} were not released within an hour.`);
    return undefined;
  }
  r.statusReason = `Waiting for ${r.pending.length} instance(s) ${why} (the fake's wording).`;
  r.nextAt = t + RETRY_MS;
  return undefined;
}
