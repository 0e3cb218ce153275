import { compareBuildVersions } from '../status/image-view.js';
import { formatHours, medianNotYetLast } from './compliance-summary.js';

/**
 * What the rollout changes, per channel and OU (docs/fleet.md, "Rollout beside hand refreshes"): for each version the
 * channel's pointer moved forward to, the hours from that move until 90 % of the OU's instances ran it or a newer
 * version, counted apart for the groups the rollout refreshes (`rollout`) and those their teams refresh by hand
 * (`hand`); for rollout groups also the hours from the start of the OU's wave. Then, per OU, the median and the worst
 * over the versions. The one definition of the figure: the report, its HTML page and the docs' figures use it. Pure.
 */

export type GroupKind = 'rollout' | 'hand';

/** Instances of one account moved from one version to another (`from` undefined: launched). */
export interface InstanceMove {
  at: string;
  account: string;
  ou: string;
  kind: GroupKind;
  from: string | undefined;
  to: string;
  instances: number;
  /** The instances on `from` were ended, none launched on `to`. */
  ended?: boolean;
}

/** The share of instances that must run the version or a newer one. */
export const REACH_PERCENT = 90;

/** One version in one OU: hours to 90 % per kind of group (null: not reached by the end; absent: no such groups). */
export interface VersionReach {
  version: string;
  pointerAt: string;
  rolloutHours?: number | null;
  handHours?: number | null;
  /** When the OU's wave of this version's rollout started (its first wave holding a group of the OU). */
  waveStartedAt?: string;
  /** Hours from that wave's start to 90 % of the OU's rollout groups. */
  afterWaveHours?: number | null;
  /**
   * The OU's wave of this version was rolled back (or the rollout taken back): it did not reach the OU, so the rollout
   * groups have no hours and the version is left out of `rollout` and `afterWave`.
   */
  rolledBack?: true;
}

/** When a version's rollout started the wave holding an OU's groups; `rolledBack`: that wave did not stay. */
export interface WaveStart {
  version: string;
  ou: string;
  at: string;
  rolledBack?: boolean;
}

/** Median and worst hours over the versions; `notYet` versions had not reached 90 % by the end. */
export interface ReachFigure {
  median: number | null;
  worst: number | null;
  notYet: number;
}

export interface OuReach {
  image: string;
  channel: string;
  ou: string;
  rollout?: ReachFigure;
  hand?: ReachFigure;
  afterWave?: ReachFigure;
  versions: VersionReach[];
}

const HOUR = 3_600_000;
export const hoursBetween = (from: string, to: number) => Math.round((to - Date.parse(from)) / (HOUR / 10)) / 10;

/**
 * The pointer's forward moves: each promotion to a version newer than every one the channel named before. The
 * channel's first version is left out (no instance ran an older one: its time would measure adoption, not a patch),
 * and so are moves back (a rollback or revocation), which patch nothing.
 */
export function forwardMoves(
  promotions: readonly { version: string; at: string }[],
): { version: string; at: string }[] {
  const sorted = [...promotions].sort((a, b) => a.at.localeCompare(b.at));
  const out: { version: string; at: string }[] = [];
  let newest: string | undefined;
  for (const p of sorted) {
    if (newest !== undefined && compareBuildVersions(p.version, newest) <= 0) continue;
    if (newest !== undefined) out.push(p);
    newest = p.version;
  }
  return out;
}

/** Per OU and kind, the first instant at or after `from` when 90 % of its instances run `version` or newer. */
function reachedAt(moves: readonly InstanceMove[], version: string, from: string): Map<string, number | null> {
  const running = new Map<string, Map<string, number>>();
  const reached = new Map<string, number | null>();
  const start = Date.parse(from);
  const check = (at: number) => {
    for (const [key, counts] of running) {
      if (typeof reached.get(key) === 'number') continue;
      let total = 0;
      let patched = 0;
      for (const [v, n] of counts) {
        total += n;
        if (compareBuildVersions(v, version) >= 0) patched += n;
      }
      if (total > 0 && patched * 100 >= REACH_PERCENT * total) reached.set(key, at);
      else reached.set(key, null);
    }
  };
  let i = 0;
  for (; i < moves.length && Date.parse((moves[i] as InstanceMove).at) <= start; i++) apply(running, moves[i]);
  check(start);
  for (; i < moves.length; i++) {
    const m = moves[i] as InstanceMove;
    apply(running, m);
    // Moves at one instant are one step: the share is read once they all happened.
    if (moves[i + 1]?.at !== m.at) check(Date.parse(m.at));
  }
  return reached;
}

function apply(running: Map<string, Map<string, number>>, m: InstanceMove | undefined): void {
  if (!m) return;
  const key = `${m.ou}\n${m.kind}`;
  const counts = running.get(key) ?? new Map<string, number>();
  if (!m.ended) counts.set(m.to, (counts.get(m.to) ?? 0) + m.instances);
  if (m.from !== undefined) counts.set(m.from, (counts.get(m.from) ?? 0) - m.instances);
  running.set(key, counts);
}

/** Median and worst of the versions' hours (null: not reached). */
export function reachFigure(hours: readonly (number | null)[]): ReachFigure {
  const reached = hours.filter((h): h is number => h !== null);
  return {
    median: medianNotYetLast(hours),
    worst: reached.length > 0 ? Math.max(...reached) : null,
    notYet: hours.length - reached.length,
  };
}

export interface ReachInput {
  image: string;
  channel: string;
  /** The channel's promotions (`promoted` outcomes): when its pointer named each version. */
  promotions: readonly { version: string; at: string }[];
  /** What the channel's accounts ran, move by move, versions as build versions. */
  moves: readonly InstanceMove[];
  /** When each version's rollout started the wave holding each OU's groups. */
  waveStarts: readonly WaveStart[];
}

/** Per OU of the channel, the hours from each forward pointer move to 90 % of its instances, and their summary. */
export function ouReach(input: ReachInput): OuReach[] {
  const moves = [...input.moves].sort((a, b) => a.at.localeCompare(b.at));
  const kinds = new Map<string, Set<GroupKind>>();
  for (const m of moves) kinds.set(m.ou, (kinds.get(m.ou) ?? new Set()).add(m.kind));
  const perOu = new Map<string, VersionReach[]>();
  for (const p of forwardMoves(input.promotions)) {
    const reached = reachedAt(moves, p.version, p.at);
    for (const [ou, present] of kinds) {
      const hours = (kind: GroupKind) => {
        const at = reached.get(`${ou}\n${kind}`);
        return typeof at === 'number' ? hoursBetween(p.at, at) : null;
      };
      const row: VersionReach = { version: p.version, pointerAt: p.at };
      if (present.has('hand')) row.handHours = hours('hand');
      const waves = input.waveStarts.filter((w) => w.version === p.version && w.ou === ou);
      if (present.has('rollout') && waves.some((w) => w.rolledBack)) row.rolledBack = true;
      else if (present.has('rollout')) {
        row.rolloutHours = hours('rollout');
        const wave = waves.sort((a, b) => a.at.localeCompare(b.at))[0];
        if (wave) {
          row.waveStartedAt = wave.at;
          const at = reached.get(`${ou}\nrollout`);
          row.afterWaveHours = typeof at === 'number' ? Math.max(0, hoursBetween(wave.at, at)) : null;
        }
      }
      perOu.set(ou, [...(perOu.get(ou) ?? []), row]);
    }
  }
  return [...perOu]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ou, versions]) => {
      const of = (pick: (v: VersionReach) => number | null | undefined) => {
        const hours = versions.map(pick).filter((h): h is number | null => h !== undefined);
        return hours.length > 0 ? reachFigure(hours) : undefined;
      };
      const rollout = of((v) => v.rolloutHours);
      const hand = of((v) => v.handHours);
      const afterWave = of((v) => v.afterWaveHours);
      return {
        image: input.image,
        channel: input.channel,
        ou,
        ...(rollout && { rollout }),
        ...(hand && { hand }),
        ...(afterWave && { afterWave }),
        versions,
      };
    });
}

/** `median 26 h, worst 3.5 d` (with `, 1 not yet` when some version had not reached 90 % by the end). */
export function reachText(f: ReachFigure): string {
  return `median ${formatHours(f.median)}, worst ${formatHours(f.worst)}${f.notYet > 0 ? `, ${f.notYet} not yet` : ''}`;
}
