import type { Catalog } from '../../core/config/schema.js';
import type { TimedCall } from '../fakes/middleware.js';
import { bucketFor } from '../throttle.js';

/**
 * The sharing figures of a run (the sharing benchmark's): mutating EC2 calls against the planner's minimum, and the
 * sharing waves' virtual time against the lower bound EC2's token buckets imply.
 */
export interface SharingFigures {
  /** AMI channel promotions that reached `promoted` (each put its channel's grants in force in every Region). */
  promotions: number;
  /** Logical calls (SDK retries not counted): what EC2 was asked to change. */
  modifyImageAttribute: number;
  modifySnapshotAttribute: number;
  /**
   * The planner's minimum: a promoted channel's grants are new on that version, so each of its Regions needs at
   * least one ModifyImageAttribute, and one suffices while the grants fit one call (10,000 entries); a version the
   * lifecycle withdrew (retired or revoked) loses every grant at once, one call per Region it was shared in.
   */
  minimumModifyImageAttribute: number;
  waves: { count: number; largest: SharingWave | null; totalVirtualSeconds: number };
}

/** Sharing calls that ran together: each starts less than {@link WAVE_GAP_MS} after the previous one ended. */
export interface SharingWave {
  start: string;
  calls: number;
  regions: number;
  /** From the first call's first attempt to the last call's answer, on the virtual clock (backoffs included). */
  virtualSeconds: number;
  /** The longest single call, first attempt to answer: above zero only when the SDK waited out a throttle. */
  longestCallSeconds: number;
  /**
   * The least time any client could take: per Region and EC2 bucket, the calls beyond a full bucket's burst at
   * the bucket's refill rate (local/throttle.ts cites EC2's numbers); the largest of those.
   */
  lowerBoundSeconds: number;
}

/** A pause longer than this (virtual) between sharing calls ends a wave. */
export const WAVE_GAP_MS = 60_000;

/** Groups the calls into waves, in start order. */
export function sharingWaves(calls: readonly TimedCall[]): TimedCall[][] {
  const waves: TimedCall[][] = [];
  let current: TimedCall[] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.startMs - b.startMs)) {
    if (current.length > 0 && call.startMs > end + WAVE_GAP_MS) {
      waves.push(current);
      current = [];
      end = Number.NEGATIVE_INFINITY;
    }
    current.push(call);
    end = Math.max(end, call.endMs);
  }
  if (current.length > 0) waves.push(current);
  return waves;
}

/** The token buckets' lower bound for one wave: seconds the busiest (Region, bucket) needs beyond its burst. */
export function waveLowerBoundSeconds(calls: readonly TimedCall[]): number {
  const perBucket = new Map<string, { n: number; capacity: number; refill: number }>();
  for (const call of calls) {
    const { bucket, limit } = bucketFor('ec2', call.action);
    const key = `${call.region}/${bucket}`;
    const b = perBucket.get(key) ?? { n: 0, capacity: limit.capacity, refill: limit.refillPerSecond };
    b.n++;
    perBucket.set(key, b);
  }
  return Math.max(0, ...[...perBucket.values()].map((b) => Math.max(0, b.n - b.capacity) / b.refill));
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Regions of each withdrawn (`image@version`) AMI build that was promoted somewhere: it had grants to remove. */
function withdrawnRegions(
  promoted: readonly { image: string; version?: string; regions: readonly string[] }[],
  withdrawn: ReadonlySet<string>,
): number {
  const regions = new Map<string, number>();
  for (const p of promoted) {
    const key = `${p.image}@${p.version ?? ''}`;
    if (withdrawn.has(key)) regions.set(key, Math.max(regions.get(key) ?? 0, p.regions.length));
  }
  return [...regions.values()].reduce((n, r) => n + r, 0);
}

/** The run's sharing figures from its promotions, its API call counts and the timed sharing calls. */
export function sharingFigures(
  catalog: Catalog,
  promotions: readonly { image: string; version?: string; outcome: string; regions: readonly string[] }[],
  apiCalls: Readonly<Record<string, number>>,
  calls: readonly TimedCall[],
  withdrawn: ReadonlySet<string> = new Set(),
): SharingFigures {
  const amiPromotions = promotions.filter(
    (p) => p.outcome === 'promoted' && catalog.images[p.image]?.kind !== 'container',
  );
  const waves = sharingWaves(calls).map(
    (wave): SharingWave => ({
      start: new Date(wave[0]!.startMs).toISOString(),
      calls: wave.length,
      regions: new Set(wave.map((c) => c.region)).size,
      virtualSeconds: round((Math.max(...wave.map((c) => c.endMs)) - wave[0]!.startMs) / 1000),
      longestCallSeconds: round(Math.max(...wave.map((c) => c.endMs - c.startMs)) / 1000),
      lowerBoundSeconds: round(waveLowerBoundSeconds(wave)),
    }),
  );
  const largest = waves.reduce<SharingWave | null>(
    (best, w) =>
      best === null || w.calls > best.calls || (w.calls === best.calls && w.virtualSeconds > best.virtualSeconds)
        ? w
        : best,
    null,
  );
  return {
    promotions: amiPromotions.length,
    modifyImageAttribute: apiCalls['ec2:ModifyImageAttribute'] ?? 0,
    modifySnapshotAttribute: apiCalls['ec2:ModifySnapshotAttribute'] ?? 0,
    minimumModifyImageAttribute:
      amiPromotions.reduce((n, p) => n + p.regions.length, 0) + withdrawnRegions(amiPromotions, withdrawn),
    waves: {
      count: waves.length,
      largest,
      totalVirtualSeconds: round(waves.reduce((n, w) => n + w.virtualSeconds, 0)),
    },
  };
}
