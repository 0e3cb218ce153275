import {
  type ComplianceCycle,
  type OuShare,
  reachedField,
  THRESHOLDS,
  type Threshold,
  thresholdsCrossed,
} from './compliance.js';

/**
 * The ledger's compliance records (`COMPLIANCE` / `CYCLE#<cycle>#<image>#<channel>#<ou>`): one per cycle, image,
 * channel and OU, written when the sweep first sees the OU's instances and each time it first sees a threshold
 * crossed. Pure: what to write, given what is recorded.
 */

/** How long after its start a cycle is still measured: its laggards are followed for four months. */
export const OPEN_CYCLE_DAYS = 120;

export interface ComplianceRecord {
  cycle: string;
  cycleKind: ComplianceCycle['kind'];
  image: string;
  channel: string;
  ou: string;
  startedAt: string;
  version: string;
  pointerAt: string;
  reached50At?: string | undefined;
  reached90At?: string | undefined;
  reached100At?: string | undefined;
  /** The OU's instances on the cycle's version (or newer) and in all, at the last write. */
  patched: number;
  instances: number;
  /** When the sample of the last write was taken. */
  sampledAt: string;
}

export const recordKey = (r: Pick<ComplianceRecord, 'cycle' | 'image' | 'channel' | 'ou'>) =>
  `${r.cycle}#${r.image}#${r.channel}#${r.ou}`;

/** Whether a cycle is still measured at `now`. */
export function isOpen(cycle: Pick<ComplianceCycle, 'startedAt'>, now: string): boolean {
  return Date.parse(now) - Date.parse(cycle.startedAt) <= OPEN_CYCLE_DAYS * 86_400_000;
}

/**
 * The records to write after a sample taken at `sampledAt`: an OU seen for the first time, or one whose share now
 * crosses a threshold it had not crossed before (the first time stays: a later dip does not move it). Nothing for a
 * sample taken before the channel's pointer moved to the cycle's version, nor for an OU already at 100 %.
 */
export function complianceUpdates(input: {
  image: string;
  cycle: ComplianceCycle;
  shares: readonly OuShare[];
  sampledAt: string;
  recorded: ReadonlyMap<string, Partial<ComplianceRecord>>;
}): ComplianceRecord[] {
  const { image, cycle, sampledAt } = input;
  if (sampledAt < cycle.pointerAt) return [];
  const writes: ComplianceRecord[] = [];
  for (const share of input.shares) {
    const key = recordKey({ cycle: cycle.cycle, image, channel: cycle.channel, ou: share.ou });
    const before = input.recorded.get(key);
    const crossed = thresholdsCrossed(share).filter((t) => !before?.[reachedField(t)]);
    if (before && crossed.length === 0) continue;
    const reached = (t: Threshold) => before?.[reachedField(t)] ?? (crossed.includes(t) ? sampledAt : undefined);
    writes.push({
      cycle: cycle.cycle,
      cycleKind: cycle.kind,
      image,
      channel: cycle.channel,
      ou: share.ou,
      startedAt: cycle.startedAt,
      version: cycle.version,
      pointerAt: cycle.pointerAt,
      ...Object.fromEntries(THRESHOLDS.map((t) => [reachedField(t), reached(t)]).filter(([, v]) => v !== undefined)),
      patched: share.patched,
      instances: share.instances,
      sampledAt,
    });
  }
  return writes;
}

/** Hours from a cycle's start to an instant, to a tenth. */
export function hoursSince(startedAt: string, at: string): number {
  return Math.round((Date.parse(at) - Date.parse(startedAt)) / 360_000) / 10;
}
