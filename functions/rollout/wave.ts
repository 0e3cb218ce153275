import { memberRoleIdentity } from '../../aws/member-role.js';
import { type FoundGroup, findFollowingGroups, type MemberScope } from '../../aws/rollout-groups.js';
import {
  cancelRefresh,
  createTemplateVersion,
  describeRefreshes,
  rollbackRefresh,
  startRefresh,
} from '../../aws/rollout-refresh.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { RolloutSpec } from '../../core/config/schema-rollout.js';
import { rolloutTagValue } from '../../core/names.js';
import type { RefreshStatus } from '../../core/rollout/plan.js';
import type { RolloutGroup, RolloutRecord, SkippedGroup } from '../../core/rollout/record.js';
import {
  launchTemplateClientToken,
  launchTemplateVersionDescription,
  refreshPreferences,
  rolloutSessionName,
} from '../../core/rollout/request.js';
import { summarizeSkips } from '../../core/rollout/skips.js';

/** Member accounts × Regions worked on at once: each is a handful of calls, and Auto Scaling throttles per account. */
export const SCOPE_CONCURRENCY = 8;

/** What the engine needs to act on one rollout's member groups. */
export interface RolloutContext {
  image: string;
  channel: string;
  version: string;
  settings: RolloutSpec;
  /** The member role's name (`goldsmith-<stage>-rollout`). */
  roleName: string;
}

export function scopeOf(ctx: RolloutContext, account: string, region: string): MemberScope {
  const session = rolloutSessionName(ctx.image, ctx.channel, ctx.version);
  return { account, region, identity: memberRoleIdentity(account, ctx.roleName, session) };
}

type Worked = { groups: RolloutGroup[]; skipped: SkippedGroup[] };

/** One account and Region of a wave: its following groups, each with a new template version and a refresh to it. */
async function workScope(ctx: RolloutContext, scope: MemberScope, ami: string): Promise<Worked> {
  const out: Worked = { groups: [], skipped: [] };
  const found: FoundGroup[] = await findFollowingGroups(scope, rolloutTagValue(ctx.image, ctx.channel));
  const where = { account: scope.account, region: scope.region };
  for (const g of found) {
    if (g.kind === 'skip') {
      out.skipped.push({ ...where, group: g.group, reason: g.reason });
      continue;
    }
    const toVersion = await createTemplateVersion(scope, {
      launchTemplateId: g.launchTemplateId,
      sourceVersion: g.fromVersion,
      imageId: ami,
      clientToken: launchTemplateClientToken({ ...ctx, ...where, group: g.group }),
      description: launchTemplateVersionDescription(ctx.image, ctx.channel, ctx.version),
    });
    const started = await startRefresh(scope, {
      group: g.group,
      launchTemplateId: g.launchTemplateId,
      version: toVersion,
      preferences: refreshPreferences(ctx.settings),
    });
    if (started.kind === 'busy') {
      out.skipped.push({ ...where, group: g.group, reason: started.reason });
      continue;
    }
    out.groups.push({
      ...where,
      group: g.group,
      launchTemplateId: g.launchTemplateId,
      fromVersion: g.fromVersion,
      ...(g.fromImageId !== undefined && { fromImageId: g.fromImageId }),
      toVersion,
      refreshId: started.refreshId,
      status: started.status,
      ...(started.statusReason !== undefined && { statusReason: started.statusReason }),
    });
  }
  return out;
}

/**
 * Starts wave `index` in `accounts`: in every Region the rollout has an AMI in, each following group gets a new
 * launch template version and a refresh to it. The record returned holds the refreshes as AWS read them back and the
 * groups skipped, with why. A retry after some refreshes started takes them as its own (same client token, same
 * desired configuration), so none is started twice.
 */
export async function startWave(
  ctx: RolloutContext,
  record: RolloutRecord,
  index: number,
  accounts: readonly string[],
  now: string,
): Promise<RolloutRecord> {
  const scopes = accounts.flatMap((account) =>
    Object.entries(record.amis).map(([region, ami]) => ({ scope: scopeOf(ctx, account, region), ami })),
  );
  const worked = await mapWithConcurrency(scopes, SCOPE_CONCURRENCY, ({ scope, ami }) => workScope(ctx, scope, ami));
  const groups = worked.flatMap((w) => w.groups);
  const key = (s: SkippedGroup) => `${s.account}/${s.region}/${s.group}`;
  const known = new Set(record.skippedGroups.map(key));
  const name = record.waves[index]?.name ?? String(index);
  // The first names are kept, every one is counted by reason: a thousand unready groups stay a small record.
  const { kept, summary } = summarizeSkips(
    worked.flatMap((w) => w.skipped).filter((s) => !known.has(key(s))),
    name,
  );
  const skipped = [...record.skippedGroups, ...kept];
  const waves = record.waves.map((w, i) =>
    i === index
      ? {
          ...w,
          state: groups.length > 0 ? ('refreshing' as const) : ('skipped' as const),
          startedAt: now,
          groups,
          ...(summary && { skipped: summary }),
        }
      : w,
  );
  return { ...record, waves, skippedGroups: skipped, updatedAt: now };
}

/** A refresh back to the previous version: no alarms and no rollback (there is nothing further back to go to). */
export function revertPreferences(settings: RolloutSpec) {
  const { MinHealthyPercentage, MaxHealthyPercentage, InstanceWarmup } = refreshPreferences(settings);
  return {
    AutoRollback: false,
    BakeTime: 0,
    MinHealthyPercentage,
    MaxHealthyPercentage,
    SkipMatching: false,
    ...(InstanceWarmup !== undefined && { InstanceWarmup }),
  };
}

/** The current statuses of these groups' refreshes (DescribeInstanceRefreshes per group). */
export async function readStatuses(ctx: RolloutContext, groups: readonly RolloutGroup[]): Promise<RefreshStatus[]> {
  const read = await mapWithConcurrency(groups, SCOPE_CONCURRENCY, async (g) => {
    const seen = await describeRefreshes(scopeOf(ctx, g.account, g.region), g.group, [g.refreshId]);
    return seen.map((s) => ({ account: g.account, region: g.region, group: g.group, ...s }));
  });
  return read.flat();
}

/** Cancels these groups' refreshes (abort, supersede); one already ended needs nothing. */
export async function cancelGroups(ctx: RolloutContext, groups: readonly RolloutGroup[]): Promise<void> {
  await mapWithConcurrency(groups, SCOPE_CONCURRENCY, (g) => cancelRefresh(scopeOf(ctx, g.account, g.region), g.group));
}

/**
 * A halted wave's other groups go back to their previous version: a refresh still running is rolled back
 * (RollbackInstanceRefresh); one already Successful cannot be ("You can't roll it back after it's finished":
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html), so it gets a new refresh to
 * its previous version. @returns the groups that could not be rolled back, with why.
 */
export async function rollBackGroups(
  ctx: RolloutContext,
  running: readonly RolloutGroup[],
  finished: readonly RolloutGroup[],
): Promise<SkippedGroup[]> {
  const problems: SkippedGroup[] = [];
  await mapWithConcurrency(running, SCOPE_CONCURRENCY, async (g) => {
    const out = await rollbackRefresh(scopeOf(ctx, g.account, g.region), g.group);
    if (out.kind === 'irreversible')
      problems.push({ account: g.account, region: g.region, group: g.group, reason: out.reason });
  });
  await mapWithConcurrency(finished, SCOPE_CONCURRENCY, async (g) => {
    const out = await startRefresh(scopeOf(ctx, g.account, g.region), {
      group: g.group,
      launchTemplateId: g.launchTemplateId,
      version: g.fromVersion,
      preferences: revertPreferences(ctx.settings),
      after: g.refreshId,
    });
    if (out.kind === 'busy')
      problems.push({ account: g.account, region: g.region, group: g.group, reason: out.reason });
  });
  return problems;
}
