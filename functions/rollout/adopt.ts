import { findFollowingGroups } from '../../aws/rollout/rollout-groups.js';
import { findOwnRefresh } from '../../aws/rollout/rollout-refresh.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import { rolloutTagValue } from '../../core/names.js';
import { mixedSentOf } from '../../core/rollout/mixed-sent.js';
import type { RolloutGroup, RolloutRecord } from '../../core/rollout/record.js';
import { unlessRefused } from '../../core/rollout/refusal.js';
import { launchTemplateVersionDescription } from '../../core/rollout/request.js';
import { unreachedBefore, waveMembers } from '../../core/rollout/wave-members.js';
import { type RolloutContext, SCOPE_CONCURRENCY, scopeOf } from './wave.js';

/**
 * A wave whose start failed half-way (a step that ran out of retries, or whose record changed under it) has started
 * refreshes its record does not hold. Before an abort, a halt or a revocation acts on the current wave, the refreshes
 * it started are found by reading them back: in the wave's accounts and Regions, each following group's active
 * refresh to a launch template version Goldsmith created for this rollout (aws/rollout/rollout-refresh.ts findOwnRefresh).
 * The wave that may hold them is the first not started (`pending`): the current one, or the next when the step
 * failed after moving past a healthy wave. They are recorded in that wave, which becomes the current one, so the
 * cancel, rollback or move back reaches them; when none is found the record is returned as it is.
 */
export async function adoptStarted(
  ctx: RolloutContext,
  record: RolloutRecord,
  accounts: readonly (readonly string[])[],
  now: string,
): Promise<RolloutRecord> {
  const index = record.waves.findIndex((w) => w.state === 'pending');
  if (index < 0 || index > record.currentWave + 1) return record;
  // An account an earlier wave reached (it moved into this wave's OUs since) holds that wave's refreshes, not this one's;
  // one in an earlier wave's OUs that no earlier wave reached is this wave's (startWave).
  const members = new Set([
    ...waveMembers(record, index, accounts[index] ?? []).accounts,
    ...unreachedBefore(record, index, accounts).keys(),
  ]);
  const scopes = [...members].flatMap((account) =>
    Object.entries(record.amis).map(([region, ami]) => ({ scope: scopeOf(ctx, account, region), ami })),
  );
  const description = launchTemplateVersionDescription(ctx.image, ctx.channel, ctx.version);
  const found = await mapWithConcurrency(scopes, SCOPE_CONCURRENCY, async ({ scope, ami }) => {
    // An account that refuses the read has nothing Goldsmith could act on anyway.
    const listed = await unlessRefused(() => findFollowingGroups(scope, rolloutTagValue(ctx.image, ctx.channel)));
    if ('refused' in listed) return [];
    const groups: RolloutGroup[] = [];
    for (const g of listed.value) {
      if (g.kind !== 'ready') continue;
      const own = await unlessRefused(() =>
        findOwnRefresh(scope, { group: g.group, launchTemplateId: g.launchTemplateId, description, imageId: ami }),
      );
      if ('refused' in own || !own.value) continue;
      const { version, ...seen } = own.value;
      groups.push({
        account: scope.account,
        region: scope.region,
        group: g.group,
        launchTemplateId: g.launchTemplateId,
        fromVersion: g.fromVersion,
        ...(g.fromImageId !== undefined && { fromImageId: g.fromImageId }),
        ...(g.mixed !== undefined && { mixed: mixedSentOf(g.mixed) }),
        toVersion: version,
        ...seen,
      });
    }
    return groups;
  });
  const groups = found.flat();
  if (groups.length === 0) return record;
  const waves = record.waves.map((w, i) =>
    i === index ? { ...w, state: 'refreshing' as const, startedAt: now, groups } : w,
  );
  return { ...record, waves, currentWave: index, updatedAt: now };
}
