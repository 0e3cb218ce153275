import { type ApprovalChanges, CHANGES_BOUNDS, type SeverityCounts } from '../../events/approval-changes.js';
import type { FindingChange, VersionDiff, VersionFinding } from './model.js';

/**
 * What an approval request says a version changes (events/approval-changes.ts): the full diff (core/sbom/diff.ts)
 * summarised into counts and at most CHANGES_BOUNDS.topLines lines, most telling first, so the announcement, Slack's
 * blocks and the email stay small whatever the diff's size; the digest and the command name the whole diff. Pure.
 */

/** The command that prints the full diff of two versions. */
export function diffCommand(image: string, from: string, to: string, stage: string): string {
  return `goldsmith diff ${image} ${from} ${to} --stage ${stage}`;
}

/** The request of a channel's first version: nothing to compare with. */
export function firstInChannel(channel: string): ApprovalChanges {
  return { kind: 'first', reason: `first version in ${channel}` };
}

/** The request when the diff cannot be made: it still goes out, saying why. */
export function changesUnknown(why: string, against?: string): ApprovalChanges {
  return {
    kind: 'unknown',
    ...(against ? { against } : {}),
    reason: clip(`changes unknown: ${why}`, CHANGES_BOUNDS.textChars),
  };
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const severe = (s: VersionFinding['severity']) => s === 'CRITICAL' || s === 'HIGH';
const lower = (s: string) => s.toLowerCase();
const named = (packages: readonly string[]) => (packages.length > 0 ? `: ${packages.join(', ')}` : '');

/** One line of the diff, and how telling it is (lower first). */
interface RankedLine {
  rank: number;
  text: string;
}

function findingLine(f: FindingChange): RankedLine {
  const what = `${f.id} (${lower(f.severity)})${named(f.packages)}`;
  // Critical and high first (fixed before new), critical before high within each.
  const bySeverity = f.severity === 'CRITICAL' ? 0 : 0.5;
  if (f.change === 'fixed') return { rank: severe(f.severity) ? 1 + bySeverity : 8, text: `fixed ${what}` };
  const text = f.change === 'reappeared' ? `reappeared ${what} (fixed before)` : `new ${what}`;
  return { rank: severe(f.severity) ? 2 + bySeverity : 9, text };
}

/**
 * Every line of the diff, most telling first: downgrades, critical and high CVEs fixed, critical and high CVEs new or
 * reappeared, the recipe and the parent, upgrades, components, packages added and removed, the other findings. The
 * diff's own order is kept within each group.
 */
export function changeLines(diff: VersionDiff): string[] {
  const lines: RankedLine[] = [];
  const packageRank = { downgraded: 0, upgraded: 4, added: 6, removed: 7 } as const;
  for (const p of diff.packages) {
    const text =
      p.change === 'added'
        ? `added ${p.name} ${p.to ?? ''}`
        : p.change === 'removed'
          ? `removed ${p.name} ${p.from ?? ''}`
          : `${p.change} ${p.name} ${p.from ?? '?'} → ${p.to ?? '?'}`;
    lines.push({ rank: packageRank[p.change], text: text.trim() });
  }
  for (const f of diff.findings) lines.push(findingLine(f));
  if (diff.recipe) lines.push({ rank: 3, text: `recipe ${diff.recipe.from} → ${diff.recipe.to}` });
  if (diff.parent) lines.push({ rank: 3, text: `parent ${diff.parent.from} → ${diff.parent.to}` });
  for (const c of diff.components) {
    const text =
      c.change === 'changed'
        ? `component ${c.name} ${c.from ?? '?'} → ${c.to ?? '?'}`
        : `component ${c.name} ${c.change}${c.change === 'added' ? ` ${c.to ?? ''}` : ` ${c.from ?? ''}`}`;
    lines.push({ rank: 5, text: text.trim() });
  }
  // A stable sort: the diff's order holds within a rank.
  return lines.sort((a, b) => a.rank - b.rank).map((l) => clip(l.text, CHANGES_BOUNDS.lineChars));
}

function severityCounts(findings: readonly FindingChange[], change: FindingChange['change']): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, other: 0 };
  for (const f of findings) {
    if (f.change !== change) continue;
    const key = f.severity === 'INFORMATIONAL' || f.severity === 'UNTRIAGED' ? 'other' : lower(f.severity);
    counts[key as keyof SeverityCounts]++;
  }
  return counts;
}

/**
 * The approval request's summary of `diff` (the version to approve against the channel's current one): counts, the
 * top lines, the digest of the whole diff and the command that prints it.
 * @param digest core/sbom/diff.ts `diffDigest(diff)`.
 * @param findingsUnknown why the findings were not compared (a side's scan not recorded), when they were not.
 */
export function summariseDiff(
  diff: VersionDiff,
  digest: string,
  stage: string,
  findingsUnknown?: string,
): ApprovalChanges {
  const count = (change: string) => diff.packages.filter((p) => p.change === change).length;
  const lines = changeLines(diff);
  const note = findingsUnknown ? [clip(`findings not compared: ${findingsUnknown}`, CHANGES_BOUNDS.lineChars)] : [];
  const top = [...note, ...lines].slice(0, CHANGES_BOUNDS.topLines);
  return {
    kind: 'diff',
    against: diff.from,
    packages: {
      added: count('added'),
      removed: count('removed'),
      upgraded: count('upgraded'),
      downgraded: count('downgraded'),
    },
    ...(diff.packagesUnknown ? { packagesUnknown: diff.packagesUnknown } : {}),
    components: diff.components.length,
    ...(diff.recipe ? { recipe: diff.recipe } : {}),
    ...(diff.parent ? { parent: diff.parent } : {}),
    findings: {
      fixed: severityCounts(diff.findings, 'fixed'),
      new: severityCounts(diff.findings, 'new'),
      reappeared: severityCounts(diff.findings, 'reappeared'),
    },
    top,
    more: note.length + lines.length - top.length,
    digest,
    command: clip(diffCommand(diff.image, diff.from, diff.to, stage), CHANGES_BOUNDS.textChars),
  };
}
