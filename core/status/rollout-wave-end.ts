import { refusalText } from '../rollout/halt.js';
import { leftBehindText, movedNothing, sumLeftBehind } from '../rollout/left-behind.js';
import type { RolloutWave } from '../rollout/record.js';
import { refusalCount } from '../rollout/refusals.js';
import { done, failedAndRolledBack, groups, isCancelled } from './rollout-counts.js';

/**
 * How a wave ended, in the words `history` tells it after the wave's name: `healthy: 3/3 groups refreshed and baked`,
 * `failed: 1/6 groups failed (web-11 in …: Failed, …); 5 rolled back by the halt`; a wave whose refreshes were
 * cancelled (an abort), `cancelled: 6/6 groups cancelled`, as `status` counts them. A retry keeps it for each wave it
 * starts again (core/rollout/retry.ts), so the first attempt's lines keep their detail. Pure.
 */

/** The group that failed the wave first, as its end and its rollback name it: ` (web-11 in 2000… us-east-1: Failed, why)`. */
export function failedWhy(w: RolloutWave): string {
  const bad = failedAndRolledBack(w).failed;
  // A refresh that failed tells why the wave failed; one cancelled beside it does not.
  const first = bad.find((g) => !isCancelled(g)) ?? bad[0];
  return first
    ? ` (${first.group} in ${first.account} ${first.region}: ${first.status}${first.statusReason ? `, ${first.statusReason}` : ''})`
    : '';
}

/** Whether the wave ended healthy first: healthy, or failed by an alarm after it had finished. */
export const endedHealthy = (w: RolloutWave) => w.state === 'healthy' || w.alarm !== undefined;

/** The wave's end after its name, or undefined when it has not ended healthy, failed or rolled back. */
export function waveEndText(w: RolloutWave): string | undefined {
  if (!w.endedAt) return undefined;
  const healthy = endedHealthy(w);
  if (!healthy && w.state !== 'failed' && w.state !== 'rolled-back') return undefined;
  if (healthy) {
    const count = w.alarm ? groups(w.groups.length) : `${done(w)}/${groups(w.groups.length)}`;
    return `healthy: ${count} refreshed and baked${leftLine(w)}`;
  }
  const { failed: bad, rolledBack } = failedAndRolledBack(w);
  const refusals = w.failures ?? [];
  // A canary whose refreshes all ended Successful with every instance left behind failed without a refresh failing.
  if (bad.length === 0 && refusals.length === 0 && w.groups.some(movedNothing))
    return `failed: ${groups(w.groups.length)} refreshed, none moved an instance`;
  const back = rolledBack > 0 ? `; ${rolledBack} rolled back by the halt` : '';
  const refused = refusals[0] ? `; ${refusalCount(w)} refused (${refusalText(refusals[0])})` : '';
  const cancelled = bad.filter(isCancelled).length;
  const broke = bad.length - cancelled;
  // Refreshes cancelled (an abort) failed nothing: the wave is told cancelled, as `status` counts its groups.
  if (cancelled > 0 && broke === 0 && !back && !refused)
    return `cancelled: ${cancelled}/${groups(w.groups.length)} cancelled`;
  const also = cancelled > 0 ? `; ${cancelled} cancelled` : '';
  return `failed: ${broke}/${groups(w.groups.length)} failed${failedWhy(w)}${also}${back}${refused}`;
}

/**
 * What a healthy wave's refreshes left behind, as `rollout status` tells it: `; 2 groups moved no instance; 15
 * instances (12 protected from scale in, 3 in Standby) left on older versions, in 3 groups`; empty when none.
 */
function leftLine(w: RolloutWave): string {
  const left = sumLeftBehind(w.groups);
  if (left.instances === 0) return '';
  const unmoved = left.unmoved > 0 ? `; ${groups(left.unmoved)} moved no instance` : '';
  return `${unmoved}; ${leftBehindText(left)} left on older versions, in ${groups(left.groups)}`;
}
