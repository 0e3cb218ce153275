import type { VersionDiff } from './model.js';

/**
 * A version diff as lines a reader scans: the recipe, the parent, components, packages with both versions, and the
 * findings fixed and new with their CVE and severity, each list in the diff's order. Pure.
 */

const UNKNOWN_SIDE: Record<NonNullable<VersionDiff['packagesUnknown']>, string> = {
  from: 'the FROM version',
  to: 'the TO version',
  both: 'either version',
};

const FINDING_WORD = { fixed: 'fixed', new: 'new', reappeared: 'reappeared (fixed before, back again)' } as const;

/** The diff as text lines (no trailing newline); a section with nothing to say says so. */
export function diffLines(diff: VersionDiff): string[] {
  const lines = [`${diff.image} ${diff.from} → ${diff.to}`];
  lines.push(diff.recipe ? `recipe: ${diff.recipe.from} → ${diff.recipe.to}` : 'recipe: unchanged');
  lines.push(
    !diff.parent
      ? 'parent: unchanged'
      : diff.parent.from === diff.parent.to
        ? `parent: unknown whether it moved (${diff.parent.from})`
        : `parent: ${diff.parent.from} → ${diff.parent.to}`,
  );
  if (diff.components.length === 0) lines.push('components: unchanged');
  else {
    lines.push(`components (${diff.components.length}):`);
    for (const c of diff.components) {
      lines.push(`  ${c.change} ${c.name} ${c.from && c.to ? `${c.from} → ${c.to}` : (c.from ?? c.to ?? '')}`);
    }
  }
  if (diff.packagesUnknown) {
    lines.push(
      `packages: unknown for ${UNKNOWN_SIDE[diff.packagesUnknown]} (a container image Amazon Inspector does not cover), so not compared`,
    );
  } else if (diff.packages.length === 0) lines.push('packages: unchanged');
  else {
    lines.push(`packages (${diff.packages.length}):`);
    for (const p of diff.packages) {
      lines.push(`  ${p.change} ${p.name} ${p.from && p.to ? `${p.from} → ${p.to}` : (p.from ?? p.to ?? '')}`);
    }
  }
  if (diff.findings.length === 0) lines.push('findings: none fixed, none new');
  else {
    const fixed = diff.findings.filter((f) => f.change === 'fixed').length;
    lines.push(`findings (${fixed} fixed, ${diff.findings.length - fixed} new):`);
    for (const f of diff.findings) {
      const packages = f.packages.length > 0 ? ` in ${f.packages.join(', ')}` : '';
      lines.push(`  ${FINDING_WORD[f.change]} ${f.id} ${f.severity}${packages}`);
    }
  }
  return lines;
}
