import type { ReportRead } from '../../aws/fleet/image-usage.js';
import {
  type HoldItem,
  listHolds,
  listUsage,
  markHoldExpiryAnnounced,
  recordHold,
  type UsageItem,
} from '../../aws/fleet/usage-ledger.js';
import type { ImagePartition } from '../../aws/ledger/image-partition.js';
import { deprecateAmis } from '../../aws/lifecycle/image-deprecation.js';
import { deleteBuildImage, deregisterAmis } from '../../aws/lifecycle/image-lifecycle.js';
import { listBuilds, markDeleted, markDeleting } from '../../aws/lifecycle/lifecycle-ledger.js';
import { markRetired } from '../../aws/lifecycle/promotion-findings.js';
import { announce } from '../../aws/notifications/notifications.js';
import { describeBuild } from '../../aws/promotion/promotion-images.js';
import { deleteSboms } from '../../aws/sbom/sbom-objects.js';
import { formatDuration } from '../../core/duration.js';
import { skPrefix } from '../../core/ledger/keys.js';
import { type ChildBuild, versionsBuiltOn } from '../../core/lifecycle/descendant-holds.js';
import { amisOf } from '../../core/lifecycle/history.js';
import { planRetention, type RetentionPolicy } from '../../core/lifecycle/retention.js';
import { announcement } from '../../core/notifications/announce.js';
import type { ChannelStep, PromotionPlan, RegionAmi } from '../../core/promotion/types.js';
import { SBOM_FILES } from '../../core/sbom/documents.js';
import { formerlySharedVersions, retiredSharedVersions } from '../../core/sharing/retired-shared.js';
import { logger } from '../lib/powertools.js';
import type { OrganizationReader } from '../sharing/channel-targets.js';
import { withdrawLaunchGrants } from '../sharing/launch-grants.js';
import { narrowToUsers, withdrawFormerlyShared } from '../sharing/retired-shared.js';
import { type CompliancePass, measureCompliance, OUT_OF_CYCLE_PREFIX, type OutOfCycleItem } from './compliance.js';
import { type ImageState, pointerVersions, readImageState } from './ledger-view.js';
import { refreshUsage, type VersionUse, versionsInUse } from './usage.js';

/** Retention when the plan carries none (executions started before `retention` was added to the plan). */
export const DEFAULT_RETENTION = { deleteAfterSeconds: 30 * 86_400, unpromotedGraceSeconds: 7 * 86_400 } as const;

/** How long a deletion waits for a version's users to move off it before an operator is asked (`holdInUseFor`). */
export const DEFAULT_HOLD_IN_USE_SECONDS = 30 * 86_400;

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
  /** Versions whose deletion waits because a member account still uses them. */
  heldInUse?: string[];
  /** The sweep's compliance pass: records written, instances the latest usage sample shows on revoked versions. */
  compliance?: CompliancePass;
}

/**
 * The versions of `image` that live builds of its children were built on (lineage holds). A child in `swept` (the
 * sweep passed it earlier in this invocation) is taken as that pass left it; any other child's builds are read.
 */
export async function heldByChildren(
  image: string,
  children: readonly string[],
  swept: ReadonlyMap<string, readonly ChildBuild[]> = new Map(),
): Promise<Set<string>> {
  const held = new Set<string>();
  for (const child of children) {
    for (const version of versionsBuiltOn(image, swept.get(child) ?? (await listBuilds(child)))) held.add(version);
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
  plan: Pick<PromotionPlan, 'image' | 'retentionKeep' | 'retention'> & {
    channels: readonly Pick<ChannelStep, 'name' | 'targets'>[];
  };
  now: Date;
};

/**
 * Decides (core `planRetention`) on the image's state and usage; lineage holds only when `children` are given. The
 * daily sweep reads and asks for usage reports first (`refreshUsage`); the promotion's Retire step reads the
 * ledger's last observations only, and makes no EC2 usage call.
 */
async function decide(
  input: RetentionPlanInput,
  children: { names: readonly string[]; swept: ReadonlyMap<string, readonly ChildBuild[]> | undefined } | undefined,
  state: ImageState,
  usage: readonly UsageItem[],
  released: ReadonlySet<string> = new Set(),
) {
  const policy = policyOf(input.plan);
  // A version an operator released (`goldsmith lifecycle release`) no longer holds for its users.
  const used = new Map([...versionsInUse(usage)].filter(([version]) => !released.has(version)));
  const decided = planRetention({
    now: input.now.toISOString(),
    policy,
    builds: state.histories,
    pointers: pointerVersions(state),
    heldByDescendants: children ? await heldByChildren(input.plan.image, children.names, children.swept) : new Set(),
    inUse: new Set(used.keys()),
  });
  return { policy, decided, used };
}

/** Narrows retired versions kept shared to their users still reached (functions/sharing/retired-shared.ts). */
const narrowRetiredShared = (
  input: RetentionPlanInput,
  state: ImageState,
  used: ReadonlyMap<string, VersionUse>,
  versions: readonly string[],
) => narrowToUsers(input.plan.channels, state.histories, used, versions, (v) => amisFor(state, v));

/**
 * Retires versions that left retention: every launch permission of their AMIs removed (the sharing step's grant
 * code towards no grantee: `withdrawLaunchGrants`), or, for a version still in use, narrowed to its users still
 * reached ({@link narrowRetiredShared}); the AMIs deprecated, the build marked retired, announced once.
 */
async function retireVersions(
  input: RetentionPlanInput,
  state: ImageState,
  versions: readonly string[],
  policy: RetentionPolicy,
  keepShared: readonly string[],
  used: ReadonlyMap<string, VersionUse>,
): Promise<Pick<RetentionResult, 'retired' | 'amisDeprecated'>> {
  const retired: string[] = [];
  let amisDeprecated = 0;
  const at = input.now.toISOString();
  for (const version of versions) {
    const amis = await amisFor(state, version);
    // A version a fleet still runs stays launchable by its users (their Auto Scaling groups can still scale out, and
    // usage reports still see their accounts), and by nobody else; withdrawn entirely when it is deleted.
    if (keepShared.includes(version)) await narrowRetiredShared(input, state, used, [version]);
    else await withdrawLaunchGrants(amis);
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
  const state = await readImageState(input.plan);
  const { policy, decided, used } = await decide(input, undefined, state, await listUsage(input.plan.image));
  const done = await retireVersions(input, state, decided.retire, policy, decided.keepShared, used);
  return { image: input.plan.image, ...done, deleted: [], amisDeregistered: 0 };
}

/** At most this many accounts are named in a `hold-expired` announcement (the rest are counted). */
const ACCOUNTS_NAMED = 20;

/**
 * A hold past its `heldUntil` with the version still in use: announced once (`hold-expired`), for an operator to
 * decide; the version stays, deprecated, until nobody uses it or it is released.
 */
async function announceHoldEnded(
  image: string,
  version: string,
  hold: HoldItem | undefined,
  users: VersionUse,
  now: Date,
): Promise<void> {
  if (!hold || hold.expiryAnnouncedAt || Date.parse(hold.heldUntil) > now.getTime()) return;
  const at = now.toISOString();
  if (!(await markHoldExpiryAnnounced(image, version, at))) return;
  const detail = {
    heldSince: hold.firstHeldAt,
    heldUntil: hold.heldUntil,
    accounts: users.accounts.length,
    someAccounts: users.accounts.slice(0, ACCOUNTS_NAMED),
    instances: users.instances,
  };
  await announce(announcement('hold-expired', { image, version }, detail, { at }));
}

/**
 * One retention pass over one image (the daily sweep): retires as `retireOutOfRetention` does, then deletes what
 * waited long enough — the AMIs to delete are written to the ledger first (intent before effect), then deregistered
 * with their snapshots in every region, the Image Builder image deleted, the build marked deleted. A second run at
 * the same instant finds nothing left to do.
 */
export async function applyRetention(
  input: RetentionPlanInput & {
    plan: { channels: readonly Pick<ChannelStep, 'name' | 'targets'>[] };
    children: readonly string[];
    /** The parts of the image's partition the sweep read (functions/lifecycle-sweep.ts `SWEEP_PREFIXES`). */
    partition?: ImagePartition;
    /** Every pending usage report, read once by the sweep for all images (`readPendingReports`). */
    reports?: ReadonlyMap<string, ReportRead>;
    /** Children the sweep passed before this image: their builds as their passes left them (`buildsAfterPass`). */
    swept?: ReadonlyMap<string, readonly ChildBuild[]>;
    /** The organization as the sweep read it once for all its images' compliance passes (`organizationForOnePass`). */
    organization?: OrganizationReader;
  },
): Promise<RetentionResult> {
  const { partition } = input;
  const state = await readImageState(input.plan, partition);
  const amis = (v: string) => amisFor(state, v);
  const cadence = {
    pointed: new Set(Object.values(pointerVersions(state))),
    deleteAfterSeconds: policyOf(input.plan).deleteAfterSeconds,
  };
  const read = partition && input.reports && { items: partition.of<UsageItem>(skPrefix.usage), reports: input.reports };
  const usage = await refreshUsage(input.plan.image, state.histories, amis, input.now, read, cadence);
  const holdItems = partition ? partition.of<HoldItem>(skPrefix.hold) : await listHolds(input.plan.image);
  const holds = new Map(holdItems.map((h) => [h.version, h]));
  const released = new Set([...holds.values()].filter((h) => h.releasedAt).map((h) => h.version));
  const children = { names: input.children, swept: input.swept };
  const { policy, decided, used } = await decide(input, children, state, usage, released);
  const done = await retireVersions(input, state, decided.retire, policy, decided.keepShared, used);
  // Versions retired earlier and still kept shared follow their users and the organization: an account that stopped
  // using one, or left every channel's targets, can no longer launch it.
  const revoked = new Set(state.histories.filter((b) => b.revokedAt).map((b) => b.version));
  const earlier = retiredSharedVersions(state.histories, new Set(used.keys()), revoked, released).filter(
    (v) => !decided.retire.includes(v),
  );
  await narrowRetiredShared(input, state, used, earlier);
  // Those whose users all moved off (a rollout after a rollback, a team's refresh) or that were released: nobody's.
  const kept = new Set([...decided.keepShared, ...earlier]);
  await withdrawFormerlyShared(formerlySharedVersions(state.histories, kept, new Set(holds.keys()), revoked), amis);
  const result: RetentionResult = { image: input.plan.image, ...done, deleted: [], amisDeregistered: 0 };
  const at = input.now.toISOString();
  const holdFor = input.plan.retention?.holdInUseForSeconds ?? DEFAULT_HOLD_IN_USE_SECONDS;
  for (const [version, reason] of Object.entries(decided.held)) {
    const users = used.get(version);
    if (reason !== 'in-use' || !users || state.builds.find((b) => b.version === version)?.deletedAt) continue;
    await recordHold(
      input.plan.image,
      version,
      at,
      new Date(input.now.getTime() + holdFor * 1000).toISOString(),
      users,
    );
    result.heldInUse = [...(result.heldInUse ?? []), version];
    await announceHoldEnded(input.plan.image, version, holds.get(version), users, input.now);
  }
  for (const { version, reason } of decided.delete) {
    const build = state.builds.find((b) => b.version === version);
    if (!build) continue;
    const amis = await amisFor(state, version);
    await markDeleting(input.plan.image, version, amis);
    // Retired while in use, its permissions were kept; nobody uses it now, so nobody may launch it any more.
    await withdrawLaunchGrants(amis);
    result.amisDeregistered += await deregisterAmis(amis);
    if (build.buildVersionArn) await deleteBuildImage(build.buildVersionArn);
    // Its SBOMs go with it, each read back as gone; its ledger items stay, as every deleted version's do.
    await deleteSboms(input.plan.image, version, SBOM_FILES);
    if (await markDeleted(input.plan.image, version, at, reason)) result.deleted.push(version);
  }
  // A measurement: its failure (an organization read, a ledger write) is logged and never holds up retention.
  try {
    const outOfCycle = partition?.of<OutOfCycleItem>(OUT_OF_CYCLE_PREFIX);
    result.compliance = await measureCompliance(input.plan, state, usage, input.now, outOfCycle, input.organization);
  } catch (err) {
    logger.error('patch compliance not measured', { image: input.plan.image, error: err });
  }
  return result;
}
