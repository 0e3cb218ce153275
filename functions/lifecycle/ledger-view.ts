import type { ImagePartition } from '../../aws/ledger/image-partition.js';
import {
  type LifecycleBuild,
  listBuilds,
  listRevocations,
  type RevocationItem,
} from '../../aws/lifecycle/lifecycle-ledger.js';
import type { EarlierRevocation, RevocationRecord } from '../../aws/lifecycle/promotion-findings.js';
import { type ChannelPointer, getChannelPointers } from '../../aws/promotion/channel-pointers.js';
import { listOutcomes, type OutcomeRecord } from '../../aws/promotion/promotion-ledger.js';
import { skPrefix } from '../../core/ledger/keys.js';
import { buildHistories, type LedgerView } from '../../core/lifecycle/history.js';
import type { BuildHistory } from '../../core/lifecycle/retention.js';
import type { PromotionPlan } from '../../core/promotion/types.js';

/** One image as the lifecycle sees it: ledger items, build histories and the channel pointers now. */
export interface ImageState {
  view: LedgerView;
  builds: Awaited<ReturnType<typeof listBuilds>>;
  /** The revocation items as read (the view keeps only what build histories need). */
  revocations: RevocationItem[];
  histories: BuildHistory[];
  /** Channel → pointer (version, AMIs) for the channels that have one. */
  pointers: Record<string, ChannelPointer>;
}

/** How `readImageState` reads what it does not take from a partition. */
export interface ImageStateRead {
  /**
   * Builds, outcomes and revocations strongly consistent (the pointers always are), as an operator's revoke, rollback
   * and restore read them: what they decide from includes a write made a moment before (a finding's revocation
   * request, an outcome just recorded), which an eventually consistent Query may not return yet
   * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html).
   */
  consistent?: boolean;
}

/**
 * Reads an image's builds, outcomes, revocations and pointers (all paginated or single-item reads), or takes them
 * from the parts of its partition the caller read (the daily sweep: aws/ledger/image-partition.ts).
 */
export async function readImageState(
  plan: { image: string; channels: readonly Pick<PromotionPlan['channels'][number], 'name'>[] },
  partition?: ImagePartition,
  read: ImageStateRead = {},
): Promise<ImageState> {
  if (partition) {
    const names = new Set(plan.channels.map((c) => c.name));
    return stateOf(
      plan,
      partition.of<LifecycleBuild>(skPrefix.build).map((b) => ({ ...b, version: b.sk.slice(skPrefix.build.length) })),
      partition.of<OutcomeRecord>(skPrefix.promotion),
      partition.of<RevocationItem>(skPrefix.revocation),
      partition.of<ChannelPointer>(skPrefix.channel).filter((p) => names.has(p.channel)),
    );
  }
  const [builds, outcomes, revocations, pointerList] = await Promise.all([
    listBuilds(plan.image, undefined, read.consistent),
    listOutcomes(plan.image, undefined, read.consistent),
    listRevocations(plan.image, read.consistent),
    getChannelPointers(
      plan.image,
      plan.channels.map((c) => c.name),
    ),
  ]);
  return stateOf(plan, builds, outcomes, revocations, pointerList);
}

function stateOf(
  plan: { channels: readonly { name: string }[] },
  builds: ImageState['builds'],
  outcomes: OutcomeRecord[],
  revocations: RevocationItem[],
  pointerList: readonly (ChannelPointer | undefined)[],
): ImageState {
  const view: LedgerView = { builds, outcomes, revocations };
  const pointers: ImageState['pointers'] = {};
  for (const p of pointerList) if (p) pointers[p.channel] = p;
  return { view, builds, revocations, histories: buildHistories(view, plan.channels[0]?.name), pointers };
}

/** The revocation a finding (or a schedule) requested for `version` and nobody has carried out yet, if any. */
export function requestedRevocation(
  state: Pick<ImageState, 'revocations'>,
  version: string,
): RevocationItem | undefined {
  return state.revocations.find((r) => r.version === version && r.state === 'requested');
}

/**
 * The revocation of `version` an operator restored, as an earlier revocation to keep when it is revoked again; undefined
 * when it is not restored (or its record lacks the restore: then nothing is kept, as before such records were kept).
 */
export function restoredRevocation(
  state: Pick<ImageState, 'revocations'>,
  version: string,
): EarlierRevocation | undefined {
  const r = state.revocations.find((x) => x.version === version);
  return r ? asEarlier(r) : undefined;
}

/** A restored revocation record as an earlier revocation; undefined unless it is restored, with its times. */
export function asEarlier(r: RevocationRecord): EarlierRevocation | undefined {
  if (r.state !== 'restored' || !r.revokedAt || !r.restoredAt) return undefined;
  return {
    revokedAt: r.revokedAt,
    by: r.by ?? 'goldsmith',
    reason: r.reason,
    channels: r.channels ?? [],
    restoredAt: r.restoredAt,
    restoredBy: r.restoredBy ?? 'goldsmith',
    restoreReason: r.restoreReason ?? '',
  };
}

/** Channel → version, from the pointers. */
export function pointerVersions(state: ImageState): Record<string, string> {
  return Object.fromEntries(Object.entries(state.pointers).map(([channel, p]) => [channel, p.version]));
}
