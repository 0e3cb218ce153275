import { patchTuesday } from '../schedule/monthly-patch.js';
import { compareBuildVersions } from '../status/image-view.js';
import { SAMPLE_TOLERANCE_MS, withoutSuperseded } from './readings.js';

export { SAMPLE_TOLERANCE_MS };

/**
 * Patch compliance (docs/fleet.md, "Patch compliance"): for every monthly patch cycle and every out-of-cycle rebuild,
 * the time from its start (Patch Tuesday, or the finding that caused the rebuild) to each channel's pointer moving to
 * the cycle's version, and to 50 / 90 / 100 % of that channel's instances in each OU running it or a newer version.
 * Pure: the daily sweep feeds it the ledger's usage observations and records the first time each threshold is seen.
 */

export const THRESHOLDS = [50, 90, 100] as const;
export type Threshold = (typeof THRESHOLDS)[number];

/** The attribute a record keeps the first time a threshold was seen crossed in. */
export const reachedField = (t: Threshold) => `reached${t}At` as const;

/** The OU of accounts the organization does not hold (or that left it). */
export const UNKNOWN_OU = 'unknown';

/** One cycle of one channel: what its version is and when the channel's pointer moved to it. */
export interface ComplianceCycle {
  /** `YYYY-MM` for a monthly patch cycle, `finding-<version>` for a rebuild caused by a finding on `<version>`. */
  cycle: string;
  kind: 'monthly' | 'out-of-cycle';
  /** Patch Tuesday at 00:00 UTC, or the finding's time. */
  startedAt: string;
  channel: string;
  /** The version that patches the cycle in this channel: the first one promoted to it for the cycle. */
  version: string;
  pointerAt: string;
}

/** The start of a month's patch cycle: its Patch Tuesday (the second Tuesday) at 00:00 UTC. */
export function monthlyCycleStart(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const d = patchTuesday(year, m);
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).toISOString();
}

/** The monthly cycle an instant falls in: the month of the last Patch Tuesday at or before it. */
export function monthlyCycleOf(at: string): string {
  const month = at.slice(0, 7);
  if (at >= monthlyCycleStart(month)) return month;
  const [year, m] = month.split('-').map(Number) as [number, number];
  const prev = m === 1 ? { year: year - 1, month: 12 } : { year, month: m - 1 };
  return `${prev.year}-${String(prev.month).padStart(2, '0')}`;
}

export interface CycleInput {
  /** The image's builds with when each was requested. */
  builds: readonly { version: string; requestedAt?: string | undefined }[];
  /** Promotion outcomes `promoted` (version, channel, when). */
  promotions: readonly { version: string; channel: string; at: string }[];
  /** Rebuilds a finding on a live version asked for (the ledger's `OUTOFCYCLE#` items). */
  outOfCycle: readonly { version: string; findingAt: string; channels: readonly string[] }[];
}

/**
 * Every cycle of an image that reached a channel. A monthly cycle's version in a channel is the first version
 * promoted to it whose build was requested in that cycle (from its Patch Tuesday to the next), the channel's very
 * first version aside (a rollout: no instance ran an older one, so its times would measure adoption); an out-of-cycle
 * cycle's, in each channel the flawed version was live in, the first newer version promoted to it after the finding.
 */
export function complianceCycles(input: CycleInput): ComplianceCycle[] {
  const requested = new Map(input.builds.map((b) => [b.version, b.requestedAt]));
  const promotions = [...input.promotions].sort((a, b) => a.at.localeCompare(b.at));
  const cycles = new Map<string, ComplianceCycle>();
  // The first version a channel ever receives is a rollout, not a patch: nothing ran an older one to move from.
  const rolledOut = new Set<string>();
  for (const p of promotions) {
    if (!rolledOut.has(p.channel)) {
      rolledOut.add(p.channel);
      continue;
    }
    const at = requested.get(p.version);
    if (!at) continue;
    const cycle = monthlyCycleOf(at);
    const key = `${cycle}#${p.channel}`;
    if (cycles.has(key)) continue;
    const startedAt = monthlyCycleStart(cycle);
    cycles.set(key, { cycle, kind: 'monthly', startedAt, channel: p.channel, version: p.version, pointerAt: p.at });
  }
  for (const o of input.outOfCycle) {
    for (const channel of o.channels) {
      const next = promotions.find(
        (p) => p.channel === channel && p.at > o.findingAt && compareBuildVersions(p.version, o.version) > 0,
      );
      if (!next) continue;
      const cycle = `finding-${o.version}`;
      cycles.set(`${cycle}#${channel}`, {
        cycle,
        kind: 'out-of-cycle',
        startedAt: o.findingAt,
        channel,
        version: next.version,
        pointerAt: next.at,
      });
    }
  }
  return [...cycles.values()].sort(
    (a, b) => a.startedAt.localeCompare(b.startedAt) || a.channel.localeCompare(b.channel),
  );
}

/** One usage observation of one AMI (the ledger's `USAGE#<version>#<region>`). */
export interface ObservedUse {
  version: string;
  region: string;
  /** When the report behind the observation was asked for: the instant its counts describe. */
  lastRequestedAt?: string | undefined;
  accounts?: Record<string, { instances?: number | undefined }> | undefined;
}

/**
 * The newest observations of an image, as one sample: when it was taken, and the observations it holds. Observations
 * older than the newest by more than `SAMPLE_TOLERANCE_MS` are not counted: EC2 no longer reports on a deleted
 * version (or one whose grants were withdrawn), so its last observation stands in the ledger while its users may have
 * moved on. A revoked version's last observation counts (`revoked`) for each account and Region no newer observation
 * names: EC2 reports on it no more once its grants are withdrawn, and instances still on it must keep an OU from
 * counting as patched until it is deleted; once a newer report in that Region names the account, the account has
 * moved on (core/fleet/readings.ts).
 */
export function latestSample(
  usage: readonly ObservedUse[],
  revoked: ReadonlySet<string> = new Set(),
): { at: string; uses: ObservedUse[] } | undefined {
  const observed = usage.filter((u) => u.lastRequestedAt);
  if (observed.length === 0) return undefined;
  const at = observed
    .map((u) => u.lastRequestedAt as string)
    .sort()
    .at(-1) as string;
  const from = Date.parse(at) - SAMPLE_TOLERANCE_MS;
  const uses = observed.filter((u) => revoked.has(u.version) || Date.parse(u.lastRequestedAt as string) >= from);
  return { at, uses: withoutSuperseded(uses, (u) => u.lastRequestedAt) };
}

/** One OU's instances in a channel: on the cycle's version or a newer unrevoked one, and in all. */
export interface OuShare {
  ou: string;
  patched: number;
  instances: number;
  /** Accounts with an instance on an older (or revoked) version. */
  lagging: string[];
}

/**
 * Per OU, the instances the channel's accounts run (every version of the image, every Region) and how many run
 * `version` or a newer one that is not revoked. OUs with no instance are left out.
 */
export function sharesByOu(
  uses: readonly ObservedUse[],
  channelAccounts: ReadonlySet<string>,
  ouOf: (account: string) => string,
  version: string,
  revoked: ReadonlySet<string>,
): OuShare[] {
  const byOu = new Map<string, { patched: number; instances: number; lagging: Set<string> }>();
  for (const u of uses) {
    const patched = compareBuildVersions(u.version, version) >= 0 && !revoked.has(u.version);
    for (const [account, use] of Object.entries(u.accounts ?? {})) {
      const n = use.instances ?? 0;
      if (n <= 0 || !channelAccounts.has(account)) continue;
      const ou = ouOf(account);
      const s = byOu.get(ou) ?? { patched: 0, instances: 0, lagging: new Set<string>() };
      s.instances += n;
      if (patched) s.patched += n;
      else s.lagging.add(account);
      byOu.set(ou, s);
    }
  }
  return [...byOu]
    .map(([ou, s]) => ({ ou, patched: s.patched, instances: s.instances, lagging: [...s.lagging].sort() }))
    .sort((a, b) => a.ou.localeCompare(b.ou));
}

/** The thresholds a share has crossed. */
export function thresholdsCrossed(share: Pick<OuShare, 'patched' | 'instances'>): Threshold[] {
  if (share.instances <= 0) return [];
  return THRESHOLDS.filter((t) => share.patched * 100 >= t * share.instances);
}

/** The instances a set of observations counts, over every account. */
export function instancesOn(uses: readonly Pick<ObservedUse, 'accounts'>[]): number {
  let n = 0;
  for (const u of uses) for (const a of Object.values(u.accounts ?? {})) n += Math.max(0, a.instances ?? 0);
  return n;
}
