import type { CostReport } from '../core/cost/estimate.js';

const money = (n: number, currency: string) => `${n.toFixed(2)} ${currency}`;

/** The cost section of human output (`simulate`, `status`): totals, per image and month, per promotion. */
export function renderCost(cost: CostReport): string[] {
  const c = cost.currency;
  const lines = [
    `Estimated cost over ${cost.months} month(s): ${money(cost.total, c)}` +
      ` (builds ${money(cost.build, c)}, storage ${money(cost.storage, c)}, pointers ${money(cost.pointers, c)},` +
      ` orchestration ${money(cost.orchestration, c)})`,
  ];
  // Each month as the monthly summary counts it (builds, storage, pointers); the month the run ends in, so far.
  lines.push(
    `  per month (builds, storage, pointers): ${Object.entries(cost.perMonth)
      .map(([m, v]) => `${m} ${v.toFixed(2)}`)
      .join(', ')}`,
  );
  const width = Math.max(5, ...Object.keys(cost.perImage).map((k) => k.length));
  lines.push(`  ${'image'.padEnd(width)}  ${'total'.padStart(10)}  ${'avg/month'.padStart(10)}`);
  for (const [image, total] of Object.entries(cost.perImage)) {
    const perMonth = cost.perImagePerMonth[image] ?? 0;
    lines.push(`  ${image.padEnd(width)}  ${total.toFixed(2).padStart(10)}  ${perMonth.toFixed(2).padStart(10)}`);
  }
  const parts = Object.entries(cost.orchestrationParts)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', ');
  lines.push(
    `  orchestration per channel promotion: ${cost.orchestrationPerPromotion.toFixed(4)} ${c}` +
      ` (${cost.orchestrationPerPromotionUsage.toFixed(4)} without monthly charges)`,
  );
  lines.push(`  orchestration over the whole run, by service: ${parts}`);
  lines.push(`  prices as of ${cost.prices.asOf}: ${cost.prices.source}`);
  return lines;
}
