import { rolloutRecordsOf } from '../status/rollout-records.js';
import { hoursBetween, type ReachFigure, reachFigure, type WaveStart } from './rollout-reach.js';

/**
 * What `goldsmith fleet` can tell of the rollout from the ledger alone (docs/fleet.md, "Rollout beside hand
 * refreshes"): the figure of rollout-reach.ts as the daily sweep's compliance records measured it, beside the rollout
 * records' wave starts. Pure.
 */
/** The ledger's figures for one OU (`goldsmith fleet`): what the daily sweep and the rollout records hold. */
export interface LedgerOuReach {
  image: string;
  channel: string;
  ou: string;
  /** Pointer move to 90 % of the OU's instances, every group alike, as the daily usage reports saw it (COMPLIANCE). */
  observed?: ReachFigure;
  /** Pointer move to the start of the OU's wave (ROLLOUT# records). */
  waveStart?: ReachFigure;
  /** Start of the OU's wave to 90 % of its instances, as the usage reports saw it. */
  afterWave?: ReachFigure;
  /** Versions whose wave in the OU was rolled back (or whose rollout was taken back): left out of every figure. */
  rolledBack?: number;
}

/**
 * The same figure from the ledger alone: the compliance records' pointer move and first sample at 90 % (the usage
 * reports count instances per account, not per group, so rollout and hand groups are not told apart, and a sample is
 * taken daily), beside the rollout records' wave starts. One row per OU that either names.
 */
export function ledgerReach(
  image: string,
  channel: string,
  compliance: readonly { ou?: unknown; version?: unknown; pointerAt?: unknown; reached90At?: unknown }[],
  waveStarts: readonly WaveStart[],
): LedgerOuReach[] {
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  const ous = [...new Set([...compliance.map((r) => s(r.ou)), ...waveStarts.map((w) => w.ou)])].sort();
  return ous.map((ou) => {
    const seen = new Set<string>();
    const observed: (number | null)[] = [];
    const afterWave: (number | null)[] = [];
    const waveStart: number[] = [];
    const startOf = (version: string) =>
      waveStarts
        .filter((w) => w.ou === ou && w.version === version)
        .map((w) => w.at)
        .sort()[0];
    const back = new Set(waveStarts.filter((w) => w.ou === ou && w.rolledBack).map((w) => w.version));
    for (const r of compliance.filter((c) => s(c.ou) === ou && s(c.pointerAt))) {
      const version = s(r.version);
      if (seen.has(version) || back.has(version)) continue;
      seen.add(version);
      const reached = s(r.reached90At);
      observed.push(reached ? hoursBetween(s(r.pointerAt), Date.parse(reached)) : null);
      const start = startOf(version);
      if (start) {
        waveStart.push(hoursBetween(s(r.pointerAt), Date.parse(start)));
        afterWave.push(reached ? Math.max(0, hoursBetween(start, Date.parse(reached))) : null);
      }
    }
    return {
      image,
      channel,
      ou,
      ...(observed.length > 0 && { observed: reachFigure(observed) }),
      ...(waveStart.length > 0 && { waveStart: reachFigure(waveStart) }),
      ...(afterWave.length > 0 && { afterWave: reachFigure(afterWave) }),
      ...(back.size > 0 && { rolledBack: back.size }),
    };
  });
}

/**
 * Each rollout record's wave starts, per OU of the groups it refreshed (`ouOf`: an account's OU), from ledger items
 * (the records with the chunk items that hold their waves' groups; other items are ignored). A wave rolled back, or
 * any wave of a rollout superseded or taken back (its version revoked), did not leave the OU on its version:
 * `rolledBack`.
 */
export function waveStartsOf(
  items: readonly Record<string, unknown>[],
  ouOf: (account: string) => string | undefined,
): WaveStart[] {
  return rolloutRecordsOf(items).flatMap((r) => {
    const takenBack = r.state === 'superseded' || r.takenBack !== undefined;
    return r.waves.flatMap((w) =>
      w.startedAt === undefined
        ? []
        : [...new Set(w.groups.map((g) => ouOf(g.account) ?? 'unknown'))].map((ou) => ({
            version: r.version,
            ou,
            at: w.startedAt as string,
            ...((takenBack || w.state === 'rolled-back') && { rolledBack: true }),
          })),
    );
  });
}
