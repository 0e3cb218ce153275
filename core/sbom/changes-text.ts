import type { ApprovalChanges, SeverityCounts } from '../../events/approval-changes.js';

/**
 * An approval request's `changes` (events/approval-changes.ts) as people read them: the same words in the
 * announcement, Slack, email, the approval page, `status` and `history`. Pure.
 */

type Diff = Extract<ApprovalChanges, { kind: 'diff' }>;

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'other'] as const;

const total = (c: SeverityCounts) => SEVERITIES.reduce((sum, s) => sum + c[s], 0);

/** "2 (1 critical, 1 high)", or "0". */
export function severityText(c: SeverityCounts): string {
  const parts = SEVERITIES.filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`);
  return parts.length === 0 ? '0' : `${total(c)} (${parts.join(', ')})`;
}

/** "3 upgraded, 1 downgraded, 2 added, 0 removed", or "unknown for both versions" (then nothing was compared). */
export function packageCountsText(c: Diff): string {
  if (c.packagesUnknown) {
    return `unknown for ${c.packagesUnknown === 'both' ? 'both versions' : `the ${c.packagesUnknown} version`}`;
  }
  const p = c.packages;
  return `${p.upgraded} upgraded, ${p.downgraded} downgraded, ${p.added} added, ${p.removed} removed`;
}

/** "fixed 2 (1 critical, 1 high), new 0, reappeared 0". */
export function findingCountsText(c: Diff): string {
  const f = c.findings;
  return `fixed ${severityText(f.fixed)}, new ${severityText(f.new)}, reappeared ${severityText(f.reappeared)}`;
}

/**
 * The counts in one line: "against 1.0.0/2: packages 3 upgraded, …; CVEs fixed 2 (…), new 0, reappeared 0", or
 * "first version in prod", or "changes unknown: …".
 */
export function changesLine(c: ApprovalChanges): string {
  if (c.kind !== 'diff') return c.reason;
  const extra = [
    ...(c.components > 0 ? [`${c.components} component${c.components === 1 ? '' : 's'} changed`] : []),
    ...(c.recipe ? [`recipe ${c.recipe.from} → ${c.recipe.to}`] : []),
    ...(c.parent ? [`parent ${c.parent.from} → ${c.parent.to}`] : []),
  ];
  return `against ${c.against}: packages ${packageCountsText(c)}; CVEs ${findingCountsText(c)}${extra.length ? `; ${extra.join('; ')}` : ''}`;
}

/**
 * The changes as one line that says what it is about: "changes against 1.0.0/2: …", "changes: first version in
 * prod", "changes unknown: …" (`history`, the simulation's timeline and report).
 */
export function changesSaid(c: ApprovalChanges): string {
  return c.kind === 'diff' ? `changes ${changesLine(c)}` : c.kind === 'first' ? `changes: ${c.reason}` : c.reason;
}

/**
 * `changesSaid` and the first `lines` of the diff, in one line: what the simulation's timeline says of a request
 * ("changes against 1.0.0/1: …; upgraded openssl 3.0.8 → 3.0.16; fixed CVE-… (medium): openssl 3.0.8").
 */
export function changesBrief(c: ApprovalChanges, lines = 3): string {
  if (c.kind !== 'diff' || c.top.length === 0) return changesSaid(c);
  const left = c.more + c.top.length - Math.min(lines, c.top.length);
  return [changesSaid(c), ...c.top.slice(0, lines), ...(left > 0 ? [`…and ${left} more`] : [])].join('; ');
}

/** The top lines, then "…and N more" when the diff has more, then the command that prints it whole. */
export function changesDetailLines(c: ApprovalChanges): string[] {
  if (c.kind !== 'diff') return [];
  return [...c.top, ...(c.more > 0 ? [`…and ${c.more} more`] : []), `full diff: ${c.command}`];
}

/** The whole summary as lines of text: the counts, the top lines, the command (the email's and the page's). */
export function changesText(c: ApprovalChanges): string[] {
  return [`Changes ${changesLine(c)}`, ...changesDetailLines(c).map((l) => `  ${l}`)];
}
