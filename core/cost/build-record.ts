import { platformOf } from '../config/platforms.js';
import type { ImageSpec } from '../config/schema.js';
import { estimateBuild } from './estimate.js';
import type { PriceTable } from './prices.js';

/** The times the ledger keeps on a build item (ISO strings; absent when the event that sets one never came). */
export interface BuildTimes {
  requestedAt?: string | undefined;
  /** First BUILDING: the build instance is up. */
  buildingAt?: string | undefined;
  /** First status after the build and test instances (DISTRIBUTING, or the end of a failed build). */
  instancesStoppedAt?: string | undefined;
  /** When the build reached its final status. */
  finishedAt: string;
}

/** A build's cost estimate as the ledger's build item carries it (`cost`), written once when it finishes. */
export interface LedgerBuildCost {
  currency: string;
  /** Seconds the build and test instances ran (first BUILDING → DISTRIBUTING; requested → finished as a fallback). */
  instanceSeconds: number;
  instance: number;
  copy: number;
  /** Storage of its outputs in every distribution region, per month they are kept (0 for a failed build). */
  storagePerMonth: number;
  /** What the build itself cost: instances and copies. Storage accrues per month on top. */
  total: number;
  pricesAsOf: string;
  /** When the build finished: its outputs are stored from then on (AVAILABLE) or nothing is (failed). */
  finishedAt: string;
}

/** Statuses after which Image Builder's build and test instances are gone. */
export const INSTANCES_STOPPED = new Set(['DISTRIBUTING', 'INTEGRATING', 'AVAILABLE', 'FAILED', 'CANCELLED']);

/**
 * Seconds the build and test instances ran, from the ledger's times: first BUILDING to the first status after
 * TESTING. Events can be lost (the reconciler sees only the final status), so a missing start falls back to the
 * request and a missing stop to the finish: an upper bound, never a guess below what was billed.
 */
export function instanceSecondsOf(times: BuildTimes): number {
  const start = Date.parse(times.buildingAt ?? times.requestedAt ?? times.finishedAt);
  const stop = Date.parse(times.instancesStoppedAt ?? times.finishedAt);
  return Number.isNaN(start) || Number.isNaN(stop) ? 0 : Math.max(0, (stop - start) / 1000);
}

/**
 * The cost estimate of one finished build of `spec` (instance time × the first instance type's price, copies to
 * the other distribution regions, monthly storage while kept), from the ledger's times and the price table.
 */
export function ledgerBuildCost(
  input: { image: string; version: string; spec: ImageSpec; status: string; times: BuildTimes },
  prices: PriceTable,
): LedgerBuildCost {
  const instanceSeconds = instanceSecondsOf(input.times);
  const cost = estimateBuild(
    {
      image: input.image,
      version: input.version,
      kind: input.spec.kind === 'container' ? 'container' : 'ami',
      platform: platformOf(input.spec),
      // Stryker disable next-line StringLiteral: the catalog requires an instance type; a name no table lists is priced at the fallback either way
      instanceType: input.spec.instanceTypes[0] ?? 'unknown',
      regions: input.spec.regions,
      instanceSeconds,
      availableAt: input.status === 'AVAILABLE' ? input.times.finishedAt : undefined,
    },
    prices,
  );
  return {
    currency: prices.currency,
    instanceSeconds,
    ...cost,
    pricesAsOf: prices.asOf,
    finishedAt: input.times.finishedAt,
  };
}
