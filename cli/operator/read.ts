import { platformOf } from '../../core/config/platforms.js';
import type { LedgerBuildCost } from '../../core/cost/build-record.js';
import { estimateBuild } from '../../core/cost/estimate.js';
import { storagePerMonthAt } from '../../core/cost/ledger-cost.js';
import { priceTable } from '../../core/cost/prices.js';
import { migrationMarkerKey } from '../../core/ledger/migrations.js';
import type { RolloutState } from '../../core/rollout/record.js';
import { attemptLinesOf } from '../../core/status/attempt-lines.js';
import { TERMINAL_BUILD } from '../../core/status/image-progress.js';
import { type ImageView, imageView, type LedgerItem } from '../../core/status/image-view.js';
import { type ChildOnReplacement, childrenOnReplacement } from '../../core/status/restored-children.js';
import { rolloutRecordsOf } from '../../core/status/rollout-records.js';
import { rolloutStatusLine, statusRolloutOf } from '../../core/status/rollout-view.js';
import { type BuildsPausedView, buildsPausedOf } from '../../core/triggers/breaker.js';
import { KEY_ROTATIONS_PK } from '../../core/trust/key-rotations.js';
import { ledgerTableName } from '../../stacks/names.js';
import { channelsOf, type Where } from './options.js';

/** The partition of the drifts no image owns (aws/audit/audit-ledger.ts `FACTORY_DRIFT_PK`, checked by a test). */
export const FACTORY_DRIFT_PK = 'FACTORY#audit';

/** One image's ledger partition, from the saved snapshot or the stage's table (paginated, consistent). */
export async function ledgerOf(where: Where, image: string): Promise<LedgerItem[]> {
  if (where.kind === 'local') {
    return where.state.snapshot.ledger
      .filter((i) => i.pk === `IMAGE#${image}`)
      .map((i) => (Array.isArray(i.statusesSeen) ? { ...i, statusesSeen: new Set(i.statusesSeen) } : i));
  }
  process.env.AWS_REGION ??= where.region;
  const { readImagePartition } = await import('../../aws/ledger/image-partition.js');
  return readImagePartition(image, ledgerTableName(where.stage));
}

/**
 * The drift the audit recorded on resources no image owns (topics, queues, the event bus, rules), from the factory's
 * partition (`FACTORY#audit`, aws/audit/audit-ledger.ts), saved or the stage's.
 */
export async function factoryDriftOf(where: Where): Promise<LedgerItem[]> {
  if (where.kind === 'local') return where.state.snapshot.ledger.filter((i) => i.pk === FACTORY_DRIFT_PK);
  process.env.AWS_REGION ??= where.region;
  const { readPartition } = await import('../../aws/ledger/image-partition.js');
  return readPartition(FACTORY_DRIFT_PK, ledgerTableName(where.stage));
}

/**
 * The signing keys' rotations (`goldsmith rotate-signing-key`) from the factory's key partition
 * (core/trust/key-rotations.ts), saved or the stage's.
 */
export async function keyRotationsOf(where: Where): Promise<LedgerItem[]> {
  if (where.kind === 'local') return where.state.snapshot.ledger.filter((i) => i.pk === KEY_ROTATIONS_PK);
  process.env.AWS_REGION ??= where.region;
  const { readPartition } = await import('../../aws/ledger/image-partition.js');
  return readPartition(KEY_ROTATIONS_PK, ledgerTableName(where.stage));
}

/**
 * The ledger migration's progress marker (`MIGRATIONS` / `FORMAT#<format>`, aws/ledger/migrations.ts), saved or the
 * stage's (one Query of its partition, the operators' ledger reads), or undefined before the walk's first run.
 */
export async function migrationMarkerOf(where: Where): Promise<LedgerItem | undefined> {
  const { pk, sk } = migrationMarkerKey;
  if (where.kind === 'local') return where.state.snapshot.ledger.find((i) => i.pk === pk && i.sk === sk);
  process.env.AWS_REGION ??= where.region;
  const { readPartition } = await import('../../aws/ledger/image-partition.js');
  return (await readPartition(pk, ledgerTableName(where.stage))).find((i) => i.sk === sk);
}

/** "Now" for the views: the saved cloud's virtual time, or the wall clock. */
export function nowOf(where: Where): Date {
  return where.kind === 'local' ? new Date(where.state.savedAt) : new Date();
}

/**
 * The children a revocation of `image` rebuilt on a replacement that stay there now the version is restored
 * (core/status/restored-children.ts): read only when the image has a restored revocation.
 */
export async function restoredChildrenOf(
  where: Where,
  image: string,
  items: readonly LedgerItem[],
): Promise<ChildOnReplacement[]> {
  if (!items.some((i) => String(i.sk).startsWith('REVOCATION#') && i.state === 'restored')) return [];
  const children = Object.entries(where.catalog.images).flatMap(([name, spec]) =>
    typeof spec.parent === 'object' && spec.parent.image === image
      ? [{ image: name, channel: spec.parent.channel }]
      : [],
  );
  const childItems = Object.fromEntries(
    await Promise.all(children.map(async (c) => [c.image, await ledgerOf(where, c.image)] as const)),
  );
  return childrenOnReplacement(image, items, children, childItems);
}

export interface ImageStatus extends ImageView {
  /** Present while the build circuit breaker pauses the image's builds (core/triggers/breaker.ts). */
  buildsPaused?: BuildsPausedView;
  /** Versions promoted again through their gates after a restore: their current attempt (core/status/attempt-lines.ts). */
  attempts?: string[];
  /** Child builds left on the replacement of a restored version, and what rebuilds each on it. */
  onReplacement?: ChildOnReplacement[];
  cost: {
    currency: string;
    /** Finished builds of the last 30 days, which `buildCostLast30Days` counts. */
    buildsLast30Days: number;
    buildCostLast30Days: number;
    /** Builds of the last 30 days still running: their cost is not known yet, so not counted. */
    unfinishedLast30Days: number;
    storagePerMonth: number;
  };
  /**
   * Each channel's rollout in flight (running or paused), else its last one, until a newer one starts: with the line
   * `status` shows for it (where it stands, or how it ended).
   */
  rollouts?: { channel: string; version: string; state: RolloutState; line: string }[];
}

const DAY_MS = 86_400_000;

/**
 * Each channel's rollout in flight, else its last one, as `status` shows it (core/status/rollout-view.ts); `names`:
 * the version each channel's pointer names.
 */
export function channelRollouts(
  items: readonly LedgerItem[],
  channels: readonly string[],
  names: Readonly<Record<string, string | undefined>> = {},
): NonNullable<ImageStatus['rollouts']> {
  const records = rolloutRecordsOf(items);
  return channels.flatMap((channel) => {
    const r = statusRolloutOf(records, channel, names[channel]);
    return r ? [{ channel, version: r.version, state: r.state, line: rolloutStatusLine(r) }] : [];
  });
}

/** The cost estimate a build item carries (`cost`, written when the build finished), if any. */
export function recordedCost(
  item: LedgerItem,
): { total: number; storagePerMonth: number; currency: string } | undefined {
  const cost = item.cost as Partial<LedgerBuildCost> | undefined;
  return typeof cost?.total === 'number' &&
    typeof cost.storagePerMonth === 'number' &&
    typeof cost.currency === 'string'
    ? { total: cost.total, storagePerMonth: cost.storagePerMonth, currency: cost.currency }
    : undefined;
}
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Each image's status with a cost estimate from its ledger: builds of the last 30 days (instance time taken as
 * requested → finished, an upper bound, where the ledger has no estimate) and the monthly storage of the outputs
 * still kept (core/cost/ledger-cost.ts).
 */
export async function statusOf(where: Where): Promise<ImageStatus[]> {
  const now = nowOf(where);
  const prices = priceTable(where.catalog.prices);
  const out: ImageStatus[] = [];
  for (const [image, spec] of Object.entries(where.catalog.images)) {
    const items = await ledgerOf(where, image);
    const view: ImageView & { buildsPaused?: BuildsPausedView; attempts?: string[] } = imageView(
      image,
      channelsOf(where.catalog, image),
      items,
      now,
    );
    const paused = buildsPausedOf(image, items);
    if (paused) view.buildsPaused = paused;
    // Versions promoted again through their gates after a restore: their current attempt.
    const attempts = attemptLinesOf(items);
    if (attempts.length > 0) view.attempts = attempts;
    const onReplacement = await restoredChildrenOf(where, image, items);
    let recent = 0;
    let recentCost = 0;
    let unfinished = 0;
    // What the kept outputs cost per month now (core/cost/ledger-cost.ts: deleted builds cost nothing more).
    let storage = storagePerMonthAt(items, now.getTime());
    for (const b of items.filter((i) => str(i.sk).startsWith('BUILD#'))) {
      const requested = Date.parse(str(b.requestedAt));
      const finished = Date.parse(str(b.updatedAt));
      const status = str(b.status);
      const recorded = recordedCost(b);
      // The estimate on-image-event wrote when the build finished; builds recorded before it did are estimated here.
      const cost =
        recorded ??
        estimateBuild(
          {
            image,
            version: str(b.buildVersion),
            kind: spec.kind === 'container' ? 'container' : 'ami',
            platform: platformOf(spec),
            instanceType: spec.instanceTypes[0] ?? 'unknown',
            regions: spec.regions,
            instanceSeconds: Number.isNaN(finished - requested) ? 0 : Math.max(0, finished - requested) / 1000,
            availableAt: status === 'AVAILABLE' ? str(b.updatedAt) : undefined,
          },
          prices,
        );
      if (!recorded && !b.deletedAt) storage += cost.storagePerMonth;
      if (now.getTime() - requested <= 30 * DAY_MS) {
        if (!TERMINAL_BUILD.has(status)) unfinished++;
        else {
          recent++;
          recentCost += cost.total;
        }
      }
    }
    const round = (n: number) => Math.round(n * 100) / 100;
    out.push({
      ...view,
      ...(onReplacement.length > 0 && { onReplacement }),
      rollouts: channelRollouts(
        items,
        channelsOf(where.catalog, image),
        Object.fromEntries(view.channels.map((c) => [c.channel, c.pointer?.version])),
      ),
      cost: {
        currency: prices.currency,
        buildsLast30Days: recent,
        buildCostLast30Days: round(recentCost),
        unfinishedLast30Days: unfinished,
        storagePerMonth: round(storage),
      },
    });
  }
  return out;
}
