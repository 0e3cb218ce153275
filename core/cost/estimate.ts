import { DAY_MS, MONTH_MS } from '../duration.js';
import { monthBounds } from '../notifications/monthly-summary.js';
import { type ImageCostInput, imageCostIn, monthsBetween } from './ledger-cost.js';
import type { PriceTable } from './prices.js';

/** What one build used: instance time, and what it left behind per region. */
export interface BuildUsage {
  image: string;
  version: string;
  kind: 'ami' | 'container';
  platform: string;
  instanceType: string;
  regions: readonly string[];
  /** Seconds build and test instances ran (Image Builder's BUILDING and TESTING). */
  instanceSeconds: number;
  /** When the output became AVAILABLE (storage starts); absent for failed builds, which leave nothing stored. */
  availableAt?: string | undefined;
}

/** One build's estimate, as the ledger and the report carry it. */
export interface BuildCost {
  instance: number;
  copy: number;
  /** Storage of its outputs in every distribution region, per month they are kept. */
  storagePerMonth: number;
  total: number;
}

/** Orchestration usage over a period: counts of what AWS bills. */
export interface OrchestrationUsage {
  lambdaInvocations: number;
  sfnTransitions: number;
  dynamoWrites: number;
  dynamoReads: number;
  eventsPut: number;
  schedulerInvocations: number;
  snsPublishes: number;
  ssmApiCalls: number;
  alarms: number;
  dashboards: number;
}

export interface CostReport {
  currency: string;
  /** builds + storage + pointers + orchestration. */
  total: number;
  /** Builds' estimates (instance time and copies), as the ledger records them. */
  build: number;
  /** Outputs for exactly the time they existed. */
  storage: number;
  /** Channel pointers (advanced-tier parameters) from each channel's first promotion. */
  pointers: number;
  orchestration: number;
  /** Per image: its builds, storage and pointers over the run. */
  perImage: Record<string, number>;
  perImagePerMonth: Record<string, number>;
  /** The channel promotions the per-promotion figures divide by. */
  promotions: number;
  /** All orchestration divided by channel promotions, and only what scales with work (no per-month charges); 0 without one. */
  orchestrationPerPromotion: number;
  orchestrationPerPromotionUsage: number;
  /** Orchestration over the whole run, by service (not per promotion). */
  orchestrationParts: Record<string, number>;
  /**
   * `YYYY-MM` → that month's builds, storage and pointers, exactly as the monthly summary counts them
   * (core/cost/ledger-cost.ts); orchestration is not in it.
   */
  perMonth: Record<string, number>;
  months: number;
  prices: { asOf: string; source: string };
  assumptions: string[];
}

/** Orchestration charged per month whatever the work (alarms, dashboard). */
const MONTHLY_PARTS = ['cloudwatch'];
const cents = (n: number) => Math.round(n * 10_000) / 10_000;

/** The instance price of a type, or the table's fallback (the caller reports the assumption). */
export function instancePrice(prices: PriceTable, type: string): { price: number; listed: boolean } {
  const listed = prices.instanceHour[type];
  return listed === undefined ? { price: prices.instanceHourFallback, listed: false } : { price: listed, listed: true };
}

/**
 * One build's cost: instance time × the type's price; each extra distribution region's copy of the snapshot (or
 * container image) × cross-Region transfer; storage per month in every region it is kept.
 */
export function estimateBuild(build: BuildUsage, prices: PriceTable): BuildCost {
  const instance = (build.instanceSeconds / 3600) * instancePrice(prices, build.instanceType).price;
  const gb =
    build.kind === 'container'
      ? prices.containerImageGb
      : (prices.snapshotGb[build.platform] ?? prices.snapshotGb.Linux ?? 8);
  const stored = build.availableAt !== undefined;
  const copies = stored ? Math.max(0, build.regions.length - 1) : 0;
  const copy = copies * gb * prices.crossRegionGb;
  const perGbMonth = build.kind === 'container' ? prices.ecrGbMonth : prices.snapshotGbMonth;
  const storagePerMonth = stored ? build.regions.length * gb * perGbMonth : 0;
  return {
    instance: cents(instance),
    copy: cents(copy),
    storagePerMonth: cents(storagePerMonth),
    total: cents(instance + copy),
  };
}

/** Orchestration cost by service. */
export function estimateOrchestration(usage: OrchestrationUsage, prices: PriceTable, months: number) {
  const lambdaGbSeconds =
    usage.lambdaInvocations * (prices.lambdaAssumedMs / 1000) * (prices.lambdaAssumedMemoryMb / 1024);
  const parts: Record<string, number> = {
    lambda: (usage.lambdaInvocations / 1e6) * prices.lambdaRequestMillion + lambdaGbSeconds * prices.lambdaGbSecond,
    stepFunctions: (usage.sfnTransitions / 1000) * prices.sfnTransitionThousand,
    dynamodb:
      (usage.dynamoWrites / 1e6) * prices.dynamoWriteMillion + (usage.dynamoReads / 1e6) * prices.dynamoReadMillion,
    eventbridge:
      (usage.eventsPut / 1e6) * prices.eventsMillion + (usage.schedulerInvocations / 1e6) * prices.schedulerMillion,
    sns: (usage.snsPublishes / 1e6) * prices.snsPublishMillion,
    ssm: (usage.ssmApiCalls / 1e4) * prices.ssmApiTenThousand,
    cloudwatch: months * (usage.alarms * prices.alarmMonth + usage.dashboards * prices.dashboardMonth),
  };
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, cents(v)]));
}

/**
 * The whole run's cost: each image's builds, storage and pointers month by month from its ledger partition (the one
 * definition the monthly summary uses), and the orchestration the run counted; per image, per image-month and per
 * channel promotion.
 */
export function estimateRun(input: {
  images: Readonly<Record<string, ImageCostInput>>;
  orchestration: OrchestrationUsage;
  promotions: number;
  start: string;
  until: string;
  prices: PriceTable;
  assumptions?: readonly string[];
}): CostReport {
  const { prices } = input;
  const start = Date.parse(input.start);
  const until = Date.parse(input.until);
  // The window's own length, however short: alarms and dashboards are billed for the time they exist (an hour's
  // window is an hour of them, not a day's).
  const months = Math.max(until - start, 0) / MONTH_MS;
  const perImage: Record<string, number> = {};
  const perMonth: Record<string, number> = {};
  const sum = { builds: 0, storage: 0, pointers: 0 };
  for (const month of monthsBetween(start, until)) {
    const bounds = monthBounds(month);
    for (const [image, ledger] of Object.entries(input.images)) {
      const c = imageCostIn(ledger, bounds, until);
      const all = c.builds + c.storage + c.pointers;
      sum.builds += c.builds;
      sum.storage += c.storage;
      sum.pointers += c.pointers;
      perImage[image] = (perImage[image] ?? 0) + all;
      perMonth[month] = (perMonth[month] ?? 0) + all;
    }
  }
  const parts = estimateOrchestration(input.orchestration, prices, months);
  const orchestration = Object.values(parts).reduce((a, b) => a + b, 0);
  return {
    currency: prices.currency,
    total: cents(sum.builds + sum.storage + sum.pointers + orchestration),
    build: cents(sum.builds),
    storage: cents(sum.storage),
    pointers: cents(sum.pointers),
    orchestration: cents(orchestration),
    perImage: Object.fromEntries(Object.entries(perImage).map(([k, v]) => [k, cents(v)])),
    // A month's average only from a window of a day or more: an hour's build is not a month's cost divided by 730.
    perImagePerMonth:
      until - start >= DAY_MS
        ? Object.fromEntries(Object.entries(perImage).map(([k, v]) => [k, cents(v / months)]))
        : {},
    promotions: input.promotions,
    orchestrationPerPromotion: input.promotions > 0 ? cents(orchestration / input.promotions) : 0,
    orchestrationPerPromotionUsage:
      input.promotions > 0
        ? cents((orchestration - MONTHLY_PARTS.reduce((n, k) => n + (parts[k] ?? 0), 0)) / input.promotions)
        : 0,
    orchestrationParts: parts,
    // Two decimals, as the monthly summary rounds each month.
    perMonth: Object.fromEntries(Object.entries(perMonth).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    months: Math.round(months * 100) / 100,
    prices: { asOf: prices.asOf, source: prices.source },
    assumptions: [
      ...(input.assumptions ?? []),
      'storage is counted for exactly the time each output existed: from AVAILABLE until the lifecycle deleted it',
      `Lambda invocations billed at ${prices.lambdaAssumedMs} ms and ${prices.lambdaAssumedMemoryMb} MB each`,
    ],
  };
}
