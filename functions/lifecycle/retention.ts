import { deprecateAmis } from '../../aws/image-deprecation.js';
import { deleteBuildImage, deregisterAmis } from '../../aws/image-lifecycle.js';
import { listBuilds, markDeleted, markDeleting } from '../../aws/lifecycle-ledger.js';
import { announce } from '../../aws/notifications.js';
import { markRetired } from '../../aws/promotion-findings.js';
import { describeBuild } from '../../aws/promotion-images.js';
import { formatDuration } from '../../core/duration.js';
import { amisOf } from '../../core/lifecycle/history.js';
import { planRetention, type RetentionPolicy } from '../../core/lifecycle/retention.js';
import { announcement } from '../../core/notifications/announce.js';
import type { PromotionPlan, RegionAmi } from '../../core/promotion/types.js';
import { withdrawLaunchGrants } from '../sharing/launch-grants.js';
import { type ImageState, pointerVersions, readImageState } from './ledger-view.js';

/** Retention when the plan carries none (executions started before `retention` was added to the plan). */
export const DEFAULT_RETENTION = { deleteAfterSeconds: 30 * 86_400, unpromotedGraceSeconds: 7 * 86_400 } as const;

export function policyOf(plan: Pick<PromotionPlan, 'retentionKeep' | 'retention'>): RetentionPolicy {
  return { keep: plan.retentionKeep, ...(plan.retention ?? DEFAULT_RETENTION) };
}

/** What one lifecycle pass did to one image. */
export interface RetentionResult {
  image: string;
  retired: string[];
  deleted: string[];
  amisDeprecated: number;
  amisDeregistered: number;
}

/** The versions of `image` that live builds of its children were built on (lineage holds). */
export async function heldByChildren(image: string, children: readonly string[]): Promise<Set<string>> {
  const held = new Set<string>();
  for (const child of children) {
    for (const b of await listBuilds(child)) {
      if (!b.deletedAt && b.parent?.image === image && b.parent.buildVersion) held.add(b.parent.buildVersion);
    }
  }
  return held;
}

/** A build's AMIs: from its promotion records, the intent written before a deletion, or Image Builder. */
async function amisFor(state: ImageState, version: string): Promise<RegionAmi[]> {
  const build = state.builds.find((b) => b.version === version);
  if (build?.deletingAmis) return build.deletingAmis;
  const recorded = amisOf(state.view, version);
  if (recorded) return recorded;
  if (!build?.buildVersionArn) return [];
  try {
    return (await describeBuild(build.buildVersionArn)).amis;
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return [];
    throw err;
  }
}

type RetentionPlanInput = {
  plan: Pick<PromotionPlan, 'image' | 'retentionKeep' | 'retention'> & { channels: readonly { name: string }[] };
  now: Date;
};

/** Reads the image's state and decides (core `planRetention`); lineage holds only when `children` are given. */
async function decide(input: RetentionPlanInput, children: readonly string[] | undefined) {
  const policy = policyOf(input.plan);
  const state = await readImageState(input.plan);
  const decided = planRetention({
    now: input.now.toISOString(),
    policy,
    builds: state.histories,
    pointers: pointerVersions(state),
    heldByDescendants: children ? await heldByChildren(input.plan.image, children) : new Set(),
  });
  return { policy, state, decided };
}

/**
 * Retires versions that left retention: every launch permission of their AMIs removed (the sharing step's grant
 * code towards no grantee: `withdrawLaunchGrants`), the AMIs deprecated, the build marked retired, announced once.
 */
async function retireVersions(
  input: RetentionPlanInput,
  state: ImageState,
  versions: readonly string[],
  policy: RetentionPolicy,
): Promise<Pick<RetentionResult, 'retired' | 'amisDeprecated'>> {
  const retired: string[] = [];
  let amisDeprecated = 0;
  const at = input.now.toISOString();
  for (const version of versions) {
    const amis = await amisFor(state, version);
    await withdrawLaunchGrants(amis);
    amisDeprecated += await deprecateAmis(amis, input.now);
    if (await markRetired(input.plan.image, version, at)) retired.push(version);
  }
  const reason = `beyond every channel's retention (the ${policy.keep} newest promoted versions per channel are kept) and named by no pointer: AMIs deprecated, deleted after ${formatDuration(policy.deleteAfterSeconds)}`;
  for (const version of retired) {
    await announce(announcement('retired', { image: input.plan.image, version }, { reason }, { at }));
  }
  return { retired, amisDeprecated };
}

/**
 * The promotion's Retire step: versions that just left every pointer and every channel's retention are retired at
 * once — launch permissions removed and AMIs deprecated in every region, build marked retired, announced. Deleting them is the daily sweep's work (`applyRetention`).
 */
export async function retireOutOfRetention(input: RetentionPlanInput): Promise<RetentionResult> {
  const { policy, state, decided } = await decide(input, undefined);
  const done = await retireVersions(input, state, decided.retire, policy);
  return { image: input.plan.image, ...done, deleted: [], amisDeregistered: 0 };
}

/**
 * One retention pass over one image (the daily sweep): retires as `retireOutOfRetention` does, then deletes what
 * waited long enough — the AMIs to delete are written to the ledger first (intent before effect), then deregistered
 * with their snapshots in every region, the Image Builder image deleted, the build marked deleted. A second run at
 * the same instant finds nothing left to do.
 */
export async function applyRetention(
  input: RetentionPlanInput & { children: readonly string[] },
): Promise<RetentionResult> {
  const { policy, state, decided } = await decide(input, input.children);
  const done = await retireVersions(input, state, decided.retire, policy);
  const result: RetentionResult = { image: input.plan.image, ...done, deleted: [], amisDeregistered: 0 };
  const at = input.now.toISOString();
  for (const { version, reason } of decided.delete) {
    const build = state.builds.find((b) => b.version === version);
    if (!build) continue;
    const amis = await amisFor(state, version);
    await markDeleting(input.plan.image, version, amis);
    result.amisDeregistered += await deregisterAmis(amis);
    if (build.buildVersionArn) await deleteBuildImage(build.buildVersionArn);
    if (await markDeleted(input.plan.image, version, at, reason)) result.deleted.push(version);
  }
  return result;
}
