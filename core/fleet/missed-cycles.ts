import { compareBuildVersions, type LedgerItem, fieldText as text } from '../status/image-view.js';
import { monthlyCycleOf } from './compliance.js';

/**
 * A monthly patch cycle of an image whose version never reached the last channel: no compliance record is ever
 * written for it (nothing moved), so `goldsmith fleet` names it rather than leave the month out.
 */
export interface MissedCycle {
  image: string;
  /** `YYYY-MM`, the monthly cycle (from its Patch Tuesday). */
  cycle: string;
  /** The cycle's last version built. */
  version: string;
  /** The last channel, which the version never reached. */
  channel: string;
  /** Where and how the version stopped (`rejected` at `dev`); undefined while it is still on its way. */
  stopped?: { outcome: string; channel: string };
}

const sk = (item: LedgerItem) => text(item, 'sk');

/**
 * Each monthly cycle of `image` with a version built (AVAILABLE) but none of its versions promoted to `last`: the
 * cycle's last version and where it stopped. Cycles before the image's first build promoted to `last` are a rollout,
 * not a missed cycle, and are left out.
 */
export function missedCycles(image: string, last: string, items: readonly LedgerItem[]): MissedCycle[] {
  const builds = items
    .filter((i) => sk(i).startsWith('BUILD#') && text(i, 'status') === 'AVAILABLE' && text(i, 'requestedAt'))
    .map((b) => ({ version: text(b, 'buildVersion'), cycle: monthlyCycleOf(text(b, 'requestedAt')) }));
  const outcomes = items.filter((i) => sk(i).startsWith('PROMOTION#'));
  const inLast = new Set(
    outcomes.filter((o) => text(o, 'channel') === last && o.outcome === 'promoted').map((o) => text(o, 'version')),
  );
  const cycleOf = new Map(builds.map((b) => [b.version, b.cycle]));
  const reached = new Set([...inLast].map((v) => cycleOf.get(v)).filter((c) => c !== undefined));
  const first = [...reached].sort()[0];
  if (first === undefined) return [];
  const byCycle = new Map<string, string>();
  for (const b of builds) {
    const known = byCycle.get(b.cycle);
    if (known === undefined || compareBuildVersions(b.version, known) > 0) byCycle.set(b.cycle, b.version);
  }
  return [...byCycle]
    .filter(([cycle]) => cycle > first && !reached.has(cycle))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cycle, version]) => {
      const stop = outcomes
        .filter((o) => text(o, 'version') === version && o.outcome !== 'promoted' && o.outcome !== 'paused')
        .sort((a, b) => text(b, 'at').localeCompare(text(a, 'at')))[0];
      return {
        image,
        cycle,
        version,
        channel: last,
        ...(stop ? { stopped: { outcome: String(stop.outcome), channel: text(stop, 'channel') } } : {}),
      };
    });
}

/** A missed cycle as `goldsmith fleet` prints it: `2027-02 1.0.0/4: never reached prod (rejected at dev)`. */
export function missedCycleText(m: MissedCycle): string {
  if (!m.stopped) return `${m.cycle} ${m.version}: not in ${m.channel} yet (still on its way)`;
  return `${m.cycle} ${m.version}: never reached ${m.channel} (${m.stopped.outcome} at ${m.stopped.channel})`;
}
