import { type RolloutRoleLookup, rolloutRole } from '../../aws/rollout/member-baseline-roles.js';
import { fixedMemberRole } from '../../aws/rollout/member-session.js';
import { type FoundGroup, findFollowingGroups, type MemberScope } from '../../aws/rollout/rollout-groups.js';
import { type StartOutcome, startRefresh } from '../../aws/rollout/rollout-refresh.js';
import { createTemplateVersion } from '../../aws/rollout/rollout-template-versions.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { RolloutSpec } from '../../core/config/schema-rollout.js';
import { isTransient } from '../../core/errors/classify.js';
import { rolloutTagValue } from '../../core/names.js';
import { mixedSentOf } from '../../core/rollout/mixed-sent.js';
import { answerOf } from '../../core/rollout/pending.js';
import type { RolloutGroup, RolloutRecord, ScopeFailure, SkippedGroup } from '../../core/rollout/record.js';
import { unlessRefused } from '../../core/rollout/refusal.js';
import { withRefusals } from '../../core/rollout/refusals.js';
import {
  launchTemplateClientToken,
  launchTemplateVersionDescription,
  refreshPreferences,
  rolloutSessionName,
  tokenVersion,
} from '../../core/rollout/request.js';
import { summarizeSkips } from '../../core/rollout/skips.js';
import { TemplateVersionMismatchError } from '../../core/rollout/template-check.js';
import { joinedOf, unreachedBefore, waveMembers } from '../../core/rollout/wave-members.js';
import { isMovingAnswer, movingAccounts, movingAnswer } from './moving.js';

/** Member accounts × Regions worked on at once: each is a handful of calls, and Auto Scaling throttles per account. */
export const SCOPE_CONCURRENCY = 8;

/** What the engine needs to act on one rollout's member groups. */
export interface RolloutContext {
  image: string;
  channel: string;
  version: string;
  settings: RolloutSpec;
  /** The member role's plain name (`goldsmith-<stage>-rollout`). */
  roleName: string;
  /**
   * Set once an operator retried the halted rollout (core/rollout/retry.ts): how many retries, and when the last was.
   * Its waves' versions and refreshes are new ones, never the halted attempt's.
   */
  retry?: { count: number; at: string };
  /** The promotion attempt the rollout belongs to, from the second on (its launch template versions are its own). */
  attempt?: number;
  /** Where the member baseline's stack instances name each account's role (aws/rollout/member-baseline-roles.ts), if it deploys one. */
  roleLookup?: RolloutRoleLookup;
}

export function scopeOf(ctx: RolloutContext, account: string, region: string): MemberScope {
  const session = rolloutSessionName(ctx.image, ctx.channel, ctx.version);
  const role = ctx.roleLookup
    ? rolloutRole(ctx.roleLookup, account, session)
    : fixedMemberRole(account, ctx.roleName, session);
  return { account, region, role };
}

/** What one account and Region gave: `retry` holds AWS's retriable answer that stopped it (the rest is kept). */
export type Worked = { groups: RolloutGroup[]; skipped: SkippedGroup[]; failures: ScopeFailure[]; retry?: unknown };

/**
 * One account and Region of a wave: its following groups, each with a new template version and a refresh to it. The
 * account's own refusal (its role denied or missing, a refresh refused) is recorded, for the account or for the one
 * group, and the rest go on. Throttling or 5xx still answered after the SDK's retries stops this account alone: what
 * it started is kept and the answer returned as `retry` (core/rollout/pending.ts); anything else is thrown.
 */
export async function workScope(ctx: RolloutContext, scope: MemberScope, ami: string, now: string): Promise<Worked> {
  const out: Worked = { groups: [], skipped: [], failures: [] };
  try {
    await workGroups(ctx, scope, ami, now, out);
  } catch (error) {
    if (!isTransient(error)) throw error;
    out.retry = error;
  }
  return out;
}

async function workGroups(ctx: RolloutContext, scope: MemberScope, ami: string, now: string, out: Worked) {
  const where = { account: scope.account, region: scope.region };
  const listed = await unlessRefused(() => findFollowingGroups(scope, rolloutTagValue(ctx.image, ctx.channel)));
  if ('refused' in listed) {
    // An account between two member baseline stack instances (moving between OUs) is waited for, not failed.
    if ((await movingAccounts(ctx.roleLookup, [{ account: scope.account, ...listed.refused }])).size > 0)
      out.retry = movingAnswer(listed.refused);
    else out.failures.push({ ...where, step: 'start', ...listed.refused, at: now });
    return;
  }
  for (const g of listed.value) {
    if (g.kind === 'skip') {
      out.skipped.push({ ...where, group: g.group, reason: g.reason });
      continue;
    }
    const tried = await unlessRefused(() => startGroup(ctx, scope, ami, g)).catch((error: unknown) => {
      // A version that changed more than the AMI is this group's failure, like AWS's refusal of it.
      if (!(error instanceof TemplateVersionMismatchError)) throw error;
      return { refused: { code: error.code, message: error.message } };
    });
    if ('refused' in tried) {
      out.failures.push({ ...where, group: g.group, step: 'start', ...tried.refused, at: now });
      continue;
    }
    const { toVersion, started } = tried.value;
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
      ...(g.mixed !== undefined && { mixed: mixedSentOf(g.mixed) }),
      toVersion,
      refreshId: started.refreshId,
      status: started.status,
      ...(started.statusReason !== undefined && { statusReason: started.statusReason }),
    });
  }
}

/** A ready group's new launch template version (the same one on a retry: ClientToken) and its refresh to it. */
async function startGroup(
  ctx: RolloutContext,
  scope: MemberScope,
  ami: string,
  g: Extract<FoundGroup, { kind: 'ready' }>,
): Promise<{ toVersion: number; started: StartOutcome }> {
  const where = { account: scope.account, region: scope.region };
  const toVersion = await createTemplateVersion(scope, {
    launchTemplateId: g.launchTemplateId,
    sourceVersion: g.fromVersion,
    imageId: ami,
    clientToken: launchTemplateClientToken({
      ...ctx,
      ...where,
      group: g.group,
      version: tokenVersion(ctx.version, ctx.attempt, ctx.retry?.count),
    }),
    description: launchTemplateVersionDescription(ctx.image, ctx.channel, ctx.version),
  });
  const started = await startRefresh(scope, {
    group: g.group,
    launchTemplateId: g.launchTemplateId,
    version: toVersion,
    preferences: refreshPreferences(ctx.settings),
    mixed: g.mixed ?? 'none',
    ...(ctx.retry && { startedAfter: ctx.retry.at }),
  });
  return { toVersion, started };
}

/**
 * Starts wave `index` in its accounts (`accounts[index]`, the organization's accounts of each wave now): in every Region the rollout has an AMI in, each following group gets a new
 * launch template version and a refresh to it. The record returned holds the refreshes as AWS read them back and the
 * groups skipped, with why. A retry after some refreshes started takes them as its own (same client token, same
 * desired configuration), so none is started twice. An account still throttled (or answering 5xx) is left pending
 * for the next checks (functions/rollout/pending.ts); only when every account is, the step is thrown. An account
 * an earlier wave of this rollout reached (it moved into this wave's OUs since) is left to that wave and recorded
 * (`movedIn`, core/rollout/wave-members.ts). An account in an earlier wave's OUs that no earlier wave reached (it
 * moved there after that wave started) is taken by this wave, and recorded (`joined`) when it holds anything.
 */
export async function startWave(
  ctx: RolloutContext,
  record: RolloutRecord,
  index: number,
  waveAccounts: readonly (readonly string[])[],
  now: string,
): Promise<RolloutRecord> {
  const { accounts, movedIn } = waveMembers(record, index, waveAccounts[index] ?? []);
  const unreached = unreachedBefore(record, index, waveAccounts);
  const members = [...accounts, ...[...unreached.keys()].filter((a) => !accounts.includes(a))];
  const scopes = members.flatMap((account) =>
    Object.entries(record.amis).map(([region, ami]) => ({ scope: scopeOf(ctx, account, region), ami })),
  );
  // Every scope is settled before anything is thrown: what the others started is recorded, and a retried step finds it.
  const settled = await mapWithConcurrency(scopes, SCOPE_CONCURRENCY, ({ scope, ami }) =>
    workScope(ctx, scope, ami, now).then(
      (w) => ({ w }),
      (error: unknown) => ({ error }),
    ),
  );
  const thrown = settled.find((s) => 'error' in s);
  if (thrown && 'error' in thrown) throw thrown.error;
  const worked = settled.flatMap((s) => ('w' in s ? [s.w] : []));
  // Only when every account answered retriably (AWS itself is out) does the state machine's Retry take the step.
  const first = worked[0];
  const out = (w: Worked) => w.retry !== undefined && !isMovingAnswer(w.retry) && isEmpty(w);
  if (first?.retry !== undefined && worked.every(out)) throw first.retry;
  const pending = worked.flatMap((w, i) => {
    const where = scopes[i]?.scope;
    if (w.retry === undefined || !where) return [];
    return [{ account: where.account, region: where.region, attempts: 1, ...answerOf(w.retry) }];
  });
  const groups = worked.flatMap((w) => w.groups);
  const failures = worked.flatMap((w) => w.failures);
  const key = (s: SkippedGroup) => `${s.account}/${s.region}/${s.group}`;
  const known = new Set(record.skippedGroups.map(key));
  const name = record.waves[index]?.name ?? String(index);
  // The first names are kept, every one is counted by reason: a thousand unready groups stay a small record.
  const { kept, summary } = summarizeSkips(
    worked.flatMap((w) => w.skipped).filter((s) => !known.has(key(s))),
    name,
  );
  const skipped = [...record.skippedGroups, ...kept];
  const joined = joinedOf(unreached, [
    ...[...groups, ...failures, ...pending].map((g) => g.account),
    ...worked.flatMap((w) => w.skipped.map((g) => g.account)),
  ]);
  // The first refusals are kept by name, every one is counted: hundreds of refused groups stay a small record.
  const waves = record.waves.map((w, i) =>
    i === index
      ? withRefusals(
          {
            ...w,
            state:
              groups.length > 0 || failures.length > 0 || pending.length > 0
                ? ('refreshing' as const)
                : ('skipped' as const),
            startedAt: now,
            groups,
            ...(summary && { skipped: summary }),
            ...(pending.length > 0 && { pending }),
            ...(movedIn && { movedIn }),
            ...(joined && { joined }),
          },
          failures,
        )
      : w,
  );
  return { ...record, waves, skippedGroups: skipped, updatedAt: now };
}

const isEmpty = (w: Worked) => w.groups.length === 0 && w.skipped.length === 0 && w.failures.length === 0;

/**
 * A canary that refreshed nothing halts the rollout, unless no wave has any group that follows the channel at all
 * (ready or not: the first version promoted to a channel nobody follows yet). Then there is nothing to refresh: every
 * wave is skipped and the rollout ends `completed` with that reason, told as info, not as a halt. An account that
 * refuses the read may hold such groups, so it keeps the halt. @returns the record and reason to end with, or
 * undefined to halt.
 */
export async function nothingFollows(
  ctx: RolloutContext,
  record: RolloutRecord,
  accounts: readonly (readonly string[])[],
  now: string,
): Promise<{ record: RolloutRecord; reason: string } | undefined> {
  const canary = record.waves[0];
  if (!canary || (canary.skipped?.total ?? 0) > 0 || (canary.failures ?? []).length > 0) return undefined;
  const tag = rolloutTagValue(ctx.image, ctx.channel);
  const scopes = accounts
    .flatMap((inOus, i) =>
      i === 0 ? [] : [...waveMembers(record, i, inOus).accounts, ...unreachedBefore(record, i, accounts).keys()],
    )
    .flatMap((account) => Object.keys(record.amis).map((region) => scopeOf(ctx, account, region)));
  const follows = await mapWithConcurrency(scopes, SCOPE_CONCURRENCY, async (scope) => {
    const listed = await unlessRefused(() => findFollowingGroups(scope, tag));
    return 'refused' in listed || listed.value.length > 0;
  });
  if (follows.some(Boolean)) return undefined;
  const waves = record.waves.map((w) =>
    w.state === 'pending' ? { ...w, state: 'skipped' as const, startedAt: now, endedAt: now } : w,
  );
  const reason = `nothing to refresh: no group in any wave follows ${tag}`;
  return { record: { ...record, waves, currentWave: waves.length - 1, updatedAt: now }, reason };
}
