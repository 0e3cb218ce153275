import { type ChannelPointer, getChannelPointers } from '../../aws/channel-pointers.js';
import { listBuilds, listRevocations } from '../../aws/lifecycle-ledger.js';
import { listOutcomes } from '../../aws/promotion-ledger.js';
import { buildHistories, type LedgerView } from '../../core/lifecycle/history.js';
import type { BuildHistory } from '../../core/lifecycle/retention.js';
import type { PromotionPlan } from '../../core/promotion/types.js';

/** One image as the lifecycle sees it: ledger items, build histories and the channel pointers now. */
export interface ImageState {
  view: LedgerView;
  builds: Awaited<ReturnType<typeof listBuilds>>;
  histories: BuildHistory[];
  /** Channel → pointer (version, AMIs) for the channels that have one. */
  pointers: Record<string, ChannelPointer>;
}

/** Reads an image's builds, outcomes, revocations and pointers (all paginated or single-item reads). */
export async function readImageState(plan: {
  image: string;
  channels: readonly Pick<PromotionPlan['channels'][number], 'name'>[];
}): Promise<ImageState> {
  const [builds, outcomes, revocations, pointerList] = await Promise.all([
    listBuilds(plan.image),
    listOutcomes(plan.image),
    listRevocations(plan.image),
    getChannelPointers(
      plan.image,
      plan.channels.map((c) => c.name),
    ),
  ]);
  const view: LedgerView = { builds, outcomes, revocations };
  const pointers: ImageState['pointers'] = {};
  for (const p of pointerList) if (p) pointers[p.channel] = p;
  return { view, builds, histories: buildHistories(view, plan.channels[0]?.name), pointers };
}

/** Channel → version, from the pointers. */
export function pointerVersions(state: ImageState): Record<string, string> {
  return Object.fromEntries(Object.entries(state.pointers).map(([channel, p]) => [channel, p.version]));
}
