import type { Notification } from '../../events/notification.js';
import { patchChangesText } from './month-changes.js';
import { complianceLines } from './month-compliance.js';
import { PATCH_TO_PROD_LABEL, patchToProdText, stoppedText } from './monthly-summary.js';

/** How a chat sink marks up a line: bold, and the escaping its markup needs (Slack's mrkdwn, Teams' Markdown). */
export interface LineMarkup {
  bold(text: string): string;
  escape(text: string): string;
}

/**
 * A monthly summary's lines below its facts, as every chat sink shows them: one per image, then what still waits,
 * soaks and builds, then patch compliance. Each sink only marks them up (and cuts them to its size limits).
 */
export function monthlySummaryLines(n: Extract<Notification, { event: 'monthly-summary' }>, m: LineMarkup): string[] {
  const rows = n.detail.images.map(
    (i) =>
      `• ${m.bold(i.image)}: ${i.built} built, ${i.failed} failed, ${i.promoted} promoted, ${stoppedText(i)}; ${PATCH_TO_PROD_LABEL} ${patchToProdText(i.patchToProdHours)}${i.cost === undefined || !n.detail.cost ? '' : `; ≈ ${i.cost.toFixed(2)} ${n.detail.cost.currency}`}${i.patch ? `; ${patchChangesText(i.patch)}` : ''}`,
  );
  const waiting = n.detail.waiting.map(
    (w) => `• ${w.image} ${w.version} → ${w.channel}: waiting on ${w.on.join(', ')}`,
  );
  const soaking = (n.detail.soaking ?? []).map((s) => `• ${s.image} ${s.version} in ${s.channel}: until ${s.until}`);
  const building = (n.detail.building ?? []).map((b) => `• ${b.image} ${b.version}: since ${b.since}`);
  return [
    ...rows,
    ...(waiting.length ? [m.bold('Still waiting'), ...waiting] : []),
    ...(soaking.length ? [m.bold('Still soaking'), ...soaking] : []),
    ...(building.length ? [m.bold('Still building'), ...building] : []),
    ...(n.detail.compliance?.length
      ? [m.bold('Patch compliance'), ...complianceLines(n.detail.compliance).map((l) => `• ${m.escape(l)}`)]
      : []),
  ];
}
