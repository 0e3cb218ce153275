import type { SkippedGroup, SkipSummary } from './record.js';

/**
 * A wave of ~1,000 tagged groups that are not rollout-ready must neither outgrow DynamoDB's 400 KB item
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html) nor send a
 * thousand announcements: the record keeps the first names of each wave's skipped groups and counts the rest by reason.
 */

/** Skipped groups a wave keeps by name in the record (the rest are counted). */
export const SKIPPED_NAMES_KEPT = 50;
/** Distinct reasons a wave's summary counts one by one; further reasons are counted together. */
export const SKIP_REASONS_KEPT = 10;
export const OTHER_REASONS = 'other reasons';

/** The groups a wave's start skipped: the first ones to record by name, and every one counted by reason. */
export function summarizeSkips(
  skipped: readonly SkippedGroup[],
  wave: string,
): { kept: SkippedGroup[]; summary: SkipSummary | undefined } {
  if (skipped.length === 0) return { kept: [], summary: undefined };
  const counts = new Map<string, number>();
  for (const s of skipped) {
    const key = counts.has(s.reason) || counts.size < SKIP_REASONS_KEPT ? s.reason : OTHER_REASONS;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const reasons = [...counts].map(([reason, groups]) => ({ reason, groups }));
  const kept = skipped.slice(0, SKIPPED_NAMES_KEPT).map((s) => ({ ...s, wave }));
  return { kept, summary: { total: skipped.length, reasons } };
}
