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
  /** Advanced-tier channel pointers × months they existed. */
  ssmParameterMonths: number;
  ssmApiCalls: number;
  alarms: number;
  dashboards: number;
}

export interface CostReport {
  currency: string;
  total: number;
  build: number;
  storage: number;
  orchestration: number;
  perImage: Record<string, number>;
  perImagePerMonth: Record<string, number>;
  /** All orchestration divided by channel promotions, and only what scales with work (no per-month charges). */
  orchestrationPerPromotion: number;
  orchestrationPerPromotionUsage: number;
  orchestrationParts: Record<string, number>;
  /** The monthly summary: `YYYY-MM` → builds finished that month, storage held in it, its share of orchestration. */
  perMonth: Record<string, number>;
  months: number;
  prices: { asOf: string; source: string };
  assumptions: string[];
}

const MONTH_MS = 30.436875 * 86_400_000;
/** Orchestration charged per month whatever the work (alarms, dashboard, advanced parameters). */
const MONTHLY_PARTS = ['cloudwatch', 'ssmParameters'];
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
    ssm:
      usage.ssmParameterMonths * prices.ssmAdvancedParameterMonth +
      (usage.ssmApiCalls / 1e4) * prices.ssmApiTenThousand,
    cloudwatch: months * (usage.alarms * prices.alarmMonth + usage.dashboards * prices.dashboardMonth),
  };
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, cents(v)]));
}

/** Splits [from, to) at UTC month boundaries: `YYYY-MM` → milliseconds in that month. */
export function monthSlices(from: number, to: number): Map<string, number> {
  const slices = new Map<string, number>();
  let t = from;
  while (t < to) {
    const d = new Date(t);
    const next = Math.min(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1), to);
    const key = d.toISOString().slice(0, 7);
    slices.set(key, (slices.get(key) ?? 0) + next - t);
    t = next;
  }
  return slices;
}

/**
 * The whole run's cost: builds (instance time and copies), storage of every kept output from AVAILABLE until
 * `until`, and orchestration; per image and per image-month, and orchestration per promotion.
 */
export function estimateRun(input: {
  builds: readonly BuildUsage[];
  orchestration: OrchestrationUsage;
  promotions: number;
  start: string;
  until: string;
  prices: PriceTable;
}): CostReport {
  const { prices } = input;
  const until = Date.parse(input.until);
  const months = Math.max((until - Date.parse(input.start)) / MONTH_MS, 1 / 30);
  const perImage: Record<string, number> = {};
  let build = 0;
  let storage = 0;
  const assumptions = new Set<string>();
  const start = Date.parse(input.start);
  const perMonth = new Map<string, number>();
  const addMonth = (key: string, amount: number) => perMonth.set(key, (perMonth.get(key) ?? 0) + amount);
  for (const b of input.builds) {
    const cost = estimateBuild(b, prices);
    addMonth((b.availableAt ?? input.start).slice(0, 7), cost.total);
    if (b.availableAt) {
      for (const [month, ms] of monthSlices(Date.parse(b.availableAt), until)) {
        addMonth(month, (cost.storagePerMonth * ms) / MONTH_MS);
      }
    }
    if (!instancePrice(prices, b.instanceType).listed) {
      assumptions.add(`${b.instanceType}: not in the price table, priced at ${prices.instanceHourFallback}/h`);
    }
    const keptMonths = b.availableAt ? Math.max(0, (until - Date.parse(b.availableAt)) / MONTH_MS) : 0;
    const stored = cost.storagePerMonth * keptMonths;
    build += cost.total;
    storage += stored;
    perImage[b.image] = (perImage[b.image] ?? 0) + cost.total + stored;
  }
  assumptions.add(
    'snapshots are kept from AVAILABLE to the end of the period (upper bound while retired AMIs are not deleted)',
  );
  assumptions.add(
    `Lambda invocations billed at ${prices.lambdaAssumedMs} ms and ${prices.lambdaAssumedMemoryMb} MB each`,
  );
  const parts = estimateOrchestration(input.orchestration, prices, months);
  const orchestration = Object.values(parts).reduce((a, b) => a + b, 0);
  for (const [month, ms] of monthSlices(start, until))
    addMonth(month, (orchestration * ms) / Math.max(1, until - start));
  return {
    currency: prices.currency,
    total: cents(build + storage + orchestration),
    build: cents(build),
    storage: cents(storage),
    orchestration: cents(orchestration),
    perImage: Object.fromEntries(Object.entries(perImage).map(([k, v]) => [k, cents(v)])),
    perImagePerMonth: Object.fromEntries(Object.entries(perImage).map(([k, v]) => [k, cents(v / months)])),
    orchestrationPerPromotion: input.promotions > 0 ? cents(orchestration / input.promotions) : 0,
    orchestrationPerPromotionUsage:
      input.promotions > 0
        ? cents((orchestration - MONTHLY_PARTS.reduce((n, k) => n + (parts[k] ?? 0), 0)) / input.promotions)
        : 0,
    orchestrationParts: parts,
    perMonth: Object.fromEntries([...perMonth].sort().map(([k, v]) => [k, cents(v)])),
    months: Math.round(months * 100) / 100,
    prices: { asOf: prices.asOf, source: prices.source },
    assumptions: [...assumptions],
  };
}
