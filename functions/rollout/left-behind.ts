import { groupInstances } from '../../aws/rollout/rollout-groups.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import { withFailures } from '../../core/rollout/halt.js';
import { leftBehindOf } from '../../core/rollout/left-behind.js';
import { withStatuses } from '../../core/rollout/plan.js';
import type { RolloutGroup, RolloutRecord, ScopeFailure } from '../../core/rollout/record.js';
import { unlessRefused } from '../../core/rollout/refusal.js';
import { type RolloutContext, SCOPE_CONCURRENCY, scopeOf } from './wave.js';

/**
 * The current wave's groups whose refresh has just ended `Successful`, each read once (DescribeAutoScalingGroups by
 * name, a call the member role already makes) for the instances it moved and those it left on an older version: the
 * protected and Standby instances the channel told the refresh to ignore. Then the wave's state again: the canary is
 * healthy only once an instance of it runs the new version (core/rollout/canary.ts). A refusal of the read leaves a
 * later wave's group unread (tried at the next check; that wave's progress never waits on it); in the canary, which
 * cannot be judged without it, it is the group's refusal, which fails the wave once its other refreshes have ended.
 */
export async function withLeftBehind(ctx: RolloutContext, record: RolloutRecord, now: string): Promise<RolloutRecord> {
  const wave = record.waves[record.currentWave];
  const unread = (g: RolloutGroup) => g.status === 'Successful' && g.leftBehind === undefined && !g.back;
  if (!wave?.groups.some(unread)) return record;
  const refusals: ScopeFailure[] = [];
  const groups = await mapWithConcurrency(wave.groups, SCOPE_CONCURRENCY, async (g) => {
    if (!unread(g)) return g;
    const read = await unlessRefused(() => groupInstances(scopeOf(ctx, g.account, g.region), g.group));
    if ('value' in read) return { ...g, leftBehind: leftBehindOf(read.value, g.toVersion, g.launchTemplateId) };
    const { account, region, group } = g;
    refusals.push({ account, region, group, step: 'read', ...read.refused, at: now });
    return g;
  });
  const waves = record.waves.map((w, i) => (i === record.currentWave ? { ...w, groups } : w));
  const read = { ...record, waves };
  const refused = record.currentWave === 0 ? withFailures(read, 0, refusals) : read;
  return withStatuses(refused, [], now);
}
