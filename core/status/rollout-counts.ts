import { movedNothing } from '../rollout/left-behind.js';
import type { RolloutGroup, RolloutRecord, RolloutWave } from '../rollout/record.js';

/** Counts of a rollout's groups and the words `status` and `history` both tell them in. */

export const groups = (n: number) => `${n} group${n === 1 ? '' : 's'}`;
const FAILED_STATUSES = new Set(['Failed', 'Cancelled', 'RollbackInProgress', 'RollbackFailed', 'RollbackSuccessful']);
export const done = (w: RolloutWave) => w.groups.filter((g) => g.status === 'Successful').length;
export const failed = (w: RolloutWave) => w.groups.filter((g) => FAILED_STATUSES.has(g.status));
/** A refresh cancelled (an abort: AWS reports Cancelling, then Cancelled), told as cancelled, not failed. */
export const CANCELLED = new Set(['Cancelled', 'Cancelling']);
export const isCancelled = (g: Pick<RolloutGroup, 'status'>) => CANCELLED.has(g.status);
/** Whether the group is one whose own refresh halted the wave (`haltedBy`), not one the halt rolled back. */
export const haltedIt = (w: RolloutWave, g: RolloutGroup) =>
  (w.haltedBy ?? []).some((h) => h.account === g.account && h.region === g.region && h.group === g.group);

/**
 * A failed wave's failed groups, told apart: those whose own refresh halted it (`haltedBy`, first), and those the halt
 * rolled back. A record without `haltedBy` counts every one as failed.
 */
export function failedAndRolledBack(w: RolloutWave): { failed: RolloutGroup[]; rolledBack: number } {
  const bad = failed(w);
  if (!w.haltedBy?.length) return { failed: bad, rolledBack: 0 };
  const causes = bad.filter((g) => haltedIt(w, g));
  return { failed: causes, rolledBack: bad.length - causes.length };
}
/** A wave's groups whose refresh ended Successful having moved no instance (all protected or in Standby, ignored). */
export const unmoved = (w: RolloutWave) => w.groups.filter((g) => g.status === 'Successful' && movedNothing(g)).length;

/**
 * `5 groups refreshed`; with groups whose refresh moved no instance told apart from those that moved some:
 * `4 groups refreshed, 1 group moved no instance` (`refreshed` counts both).
 */
export function refreshedText(refreshed: number, none: number): string {
  if (none === 0) return `${groups(refreshed)} refreshed`;
  return `${groups(refreshed - none)} refreshed, ${groups(none)} moved no instance`;
}
export const accountsOf = (w: RolloutWave) => new Set(w.groups.map((g) => g.account)).size;

/**
 * Every group the rollout skipped: each wave's count (`waves[i].skipped.total`; `skippedGroups` names only the first
 * 50 of a wave) and the groups skipped later, one by one.
 */
export function skippedCount(r: Pick<RolloutRecord, 'waves' | 'skippedGroups'>): number {
  const named = (w: RolloutWave) => r.skippedGroups.filter((g) => g.wave === w.name).length;
  const inWaves = r.waves.reduce((sum, w) => sum + (w.skipped?.total ?? named(w)), 0);
  return inWaves + r.skippedGroups.filter((g) => g.wave === undefined).length;
}

/** What a stopped rollout says: why, and that no further wave starts. */
export const stoppedText = (r: RolloutRecord) =>
  `${r.reason ?? 'its execution is no longer running'} — no further wave; see docs/operating/runbooks.md`;

/**
 * What a wave no group was refreshed in says, in `history` and `rollout status` alike:
 * `wave 2/3 (wave-1): no ready group follows base/prod — nothing to refresh`. The engine skips a wave whose accounts
 * hold no group that follows the channel and is ready for a refresh (core/rollout/plan.ts).
 */
export function emptyWaveText(r: Pick<RolloutRecord, 'image' | 'channel' | 'waves'>, n: number): string {
  const w = r.waves[n];
  return `wave ${n + 1}/${r.waves.length}${w ? ` (${w.name})` : ''}: no ready group follows ${r.image}/${r.channel} — nothing to refresh`;
}
