import { approvalChangesSchema } from '../../events/approval-changes.js';
import { lastPatchTuesday } from '../observability/timing.js';
import { type LedgerItem, fieldText as str } from '../status/image-view.js';

/**
 * What the month's Patch Tuesday changed in one image, from the approval requests into its last channel ("prod")
 * asked since that day and within the month: the packages they moved (upgraded, downgraded, added, removed) and the
 * CVEs they fixed, against the version prod held then (each request's `changes`, events/approval-changes.ts). Pure.
 */
export interface PatchChanges {
  /** Approval requests into prod that said what they change. */
  versions: number;
  packages: number;
  fixed: number;
  /** Of `fixed`, the critical and high ones. */
  fixedCriticalHigh: number;
}

/** The image's Patch Tuesday changes in the month [start, end), or undefined when no request into prod said any. */
export function patchChangesOf(
  items: readonly LedgerItem[],
  prod: string | undefined,
  bounds: { start: number; end: number },
): PatchChanges | undefined {
  // Stryker disable next-line ArithmeticOperator: Patch Tuesday is never the 1st (monthly-summary.ts says why)
  const patchDay = lastPatchTuesday(new Date(bounds.end - 1)).getTime();
  const total: PatchChanges = { versions: 0, packages: 0, fixed: 0, fixedCriticalHigh: 0 };
  for (const item of items) {
    if (!str(item, 'sk').startsWith('APPROVAL#') || str(item, 'channel') !== prod) continue;
    const at = Date.parse(str(item, 'requestedAt'));
    if (!(at >= patchDay && at < bounds.end)) continue;
    const parsed = approvalChangesSchema.safeParse(item.changes);
    if (!parsed.success || parsed.data.kind !== 'diff') continue;
    const { packages, findings } = parsed.data;
    total.versions++;
    total.packages += packages.upgraded + packages.downgraded + packages.added + packages.removed;
    const f = findings.fixed;
    total.fixed += f.critical + f.high + f.medium + f.low + f.other;
    total.fixedCriticalHigh += f.critical + f.high;
  }
  return total.versions > 0 ? total : undefined;
}

/** "Patch Tuesday: 14 packages moved, 3 CVEs fixed (2 critical or high)", as email and Slack say it. */
export function patchChangesText(c: PatchChanges): string {
  const high = c.fixedCriticalHigh > 0 ? ` (${c.fixedCriticalHigh} critical or high)` : '';
  return `Patch Tuesday: ${c.packages} package${c.packages === 1 ? '' : 's'} moved, ${c.fixed} CVE${c.fixed === 1 ? '' : 's'} fixed${high}`;
}
