import { groupInstances } from '../../aws/rollout/rollout-groups.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import { leftBehindOf } from '../../core/rollout/left-behind.js';
import type { RolloutGroup, RolloutRecord } from '../../core/rollout/record.js';
import { unlessRefused } from '../../core/rollout/refusal.js';
import { type RolloutContext, SCOPE_CONCURRENCY, scopeOf } from './wave.js';

/**
 * The current wave's groups whose refresh has just ended `Successful`, each read once (DescribeAutoScalingGroups by
 * name, a call the member role already makes) for the instances it left on an older version: the protected and
 * Standby instances the channel told the refresh to ignore. A refusal of the read leaves the group unread (tried at
 * the next check); the wave's progress never waits on it.
 */
export async function withLeftBehind(ctx: RolloutContext, record: RolloutRecord): Promise<RolloutRecord> {
  const wave = record.waves[record.currentWave];
  const unread = (g: RolloutGroup) => g.status === 'Successful' && g.leftBehind === undefined && !g.back;
  if (!wave?.groups.some(unread)) return record;
  const groups = await mapWithConcurrency(wave.groups, SCOPE_CONCURRENCY, async (g) => {
    if (!unread(g)) return g;
    const read = await unlessRefused(() => groupInstances(scopeOf(ctx, g.account, g.region), g.group));
    return 'refused' in read ? g : { ...g, leftBehind: leftBehindOf(read.value, g.toVersion) };
  });
  const waves = record.waves.map((w, i) => (i === record.currentWave ? { ...w, groups } : w));
  return { ...record, waves };
}
