import type { OuFleet } from '../core/fleet/channel-view.js';
import { type ChannelCompliance, formatHours } from '../core/fleet/compliance-summary.js';
import { type MissedCycle, missedCycleText } from '../core/fleet/missed-cycles.js';
import { reachText } from '../core/fleet/rollout-reach.js';
import type { LedgerOuReach } from '../core/fleet/rollout-reach-ledger.js';
import type { ImageFleet, VersionStanding } from '../core/fleet/view.js';
import { type LeftBehind, leftBehindText } from '../core/rollout/left-behind.js';
import { channelNames } from './operator/move-back-text.js';

/** What `goldsmith fleet` prints, and its `--json` document. */
export interface FleetReport {
  images: ImageFleet[];
  /** Per image, channel and OU: accounts and instances by standing (OU `unknown` when no organization is held). */
  channels: OuFleet[];
  /** Patch compliance per cycle, image and channel (the ledger's `COMPLIANCE` records). */
  compliance: ChannelCompliance[];
  /** Monthly cycles whose version never reached the last channel (no compliance record says so). */
  missed: MissedCycle[];
  /**
   * Per channel with a rollout and OU: pointer move to 90 % of the OU's instances and to the OU's wave start, over the
   * versions the compliance records measured (docs/fleet.md, "Rollout beside hand refreshes").
   */
  reach?: LedgerOuReach[];
  /** OU id → name, where the held organization names it (a name that is only the id again is left out). */
  ouNames: Record<string, string>;
  /**
   * Per channel with a rollout, its newest rollout: the instances its successful refreshes left on an older version
   * (protected from scale in, in Standby), as each group read right after its refresh. Absent or empty: none.
   */
  leftBehind?: RolloutLeftBehind[];
  /**
   * The AMI key's grants per Region at 80 % of the quota or more (core/limits/key-grants.ts): the daily grants
   * count where the ledger holds one, else one per targeted account and one per instance's volume the usage reports
   * count. Absent or empty: none.
   */
  grantWarnings?: string[];
}

/** A rollout's left-behind instances (core/rollout/left-behind.ts), added up over its groups. */
export interface RolloutLeftBehind extends LeftBehind {
  image: string;
  channel: string;
  version: string;
  groups: number;
  /** How many of those groups moved no instance: every one they have still on the version before. */
  unmoved: number;
}

const STANDING_TEXT: Record<VersionStanding, string> = {
  current: 'current',
  'one-behind': 'one behind',
  older: 'older',
  revoked: 'REVOKED',
  retired: 'retired',
  'never-promoted': 'never promoted',
};

const LAGGARDS_NAMED = 10;

/** The OU's name as the held organization has it, unless that is only its id again. */
const ouName = (id: string, names: Record<string, string>) => (names[id] && names[id] !== id ? names[id] : undefined);

/** An OU as a person reads it: its id once, then its name where one is held (`ou-ab12-34cd5678 (Workloads)`). */
function ouText(id: string, names: Record<string, string>): string {
  const name = ouName(id, names);
  return name ? `${id} (${name})` : id;
}

function imageLines(f: ImageFleet): string[] {
  const out = [`${f.image}  (${f.channel}: ${channelNames(f.current, f.movedBack)})`];
  if (f.versions.length === 0) out.push('  no account uses a version of it (as last observed)');
  for (const v of f.versions) {
    out.push(
      `  ${v.version.padEnd(10)} ${STANDING_TEXT[v.standing].padEnd(14)} ${v.accounts} account(s), ` +
        `${v.instances} instance(s), ${v.launchTemplates} launch template(s)  (observed ${v.observedAt.slice(0, 16).replace('T', ' ')})`,
    );
  }
  const { accounts, revoked, using } = f.behind;
  if (revoked > 0) out.push(`  ${revoked} account(s) still run a revoked version`);
  if (accounts > 0) {
    out.push(
      `  ${accounts} of the ${using} account(s) that run it are behind ${f.channel} (on an older, revoked, retired or ` +
        'never-promoted version; one behind is not counted)',
    );
  }
  return out;
}

/** The OU's rollout line, when its channel rolls out: how soon its wave started and its instances followed. */
function reachLine(r: LedgerOuReach | undefined): string[] {
  if (!r || (!r.waveStart && !r.observed && !r.rolledBack)) return [];
  const back = r.rolledBack ?? 0;
  const parts = [
    r.waveStart && `wave started after the pointer: ${reachText(r.waveStart)}`,
    r.observed && `pointer to 90 % of the OU's instances: ${reachText(r.observed)}`,
    r.afterWave && `wave start to 90 % of the OU's instances: ${reachText(r.afterWave)}`,
    back > 0 && `${back} version${back === 1 ? '' : 's'} rolled back in this OU, not counted`,
  ].filter((p): p is string => typeof p === 'string');
  return [
    `    rollout: ${parts.join('; ')}  [per version; 90 % of all the OU's instances, hand-refreshed and skipped groups included, as the daily usage reports saw it; the report's fleet.reach counts the rollout's groups apart]`,
  ];
}

function ouLines(
  rows: readonly OuFleet[],
  names: Record<string, string>,
  reach: readonly LedgerOuReach[] = [],
): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const parts = (Object.keys(STANDING_TEXT) as VersionStanding[])
      .filter((s) => r.standings[s])
      .map((s) => `${STANDING_TEXT[s]} ${r.standings[s]?.accounts}/${r.standings[s]?.instances}`);
    out.push(
      `  ${r.channel} / ${ouText(r.ou, names)}: ${r.accounts} account(s); ${parts.join(', ')}  ` +
        '[accounts/instances on each standing: an account on two versions counts under both]',
    );
    if (r.laggards.length > 0) {
      const more = r.laggards.length > LAGGARDS_NAMED ? ` and ${r.laggards.length - LAGGARDS_NAMED} more` : '';
      out.push(`    behind: ${r.laggards.slice(0, LAGGARDS_NAMED).join(', ')}${more}`);
    }
    out.push(...reachLine(reach.find((x) => x.image === r.image && x.channel === r.channel && x.ou === r.ou)));
  }
  return out;
}

function complianceLines(rows: readonly ChannelCompliance[], names: Record<string, string>): string[] {
  const out: string[] = [];
  for (const c of rows) {
    const laggards = c.laggards.map((ou) => ouName(ou, names) ?? ou);
    out.push(
      `  ${c.channel} ${c.cycle} (${c.version}): pointer moved after ${formatHours(c.pointerHours)}, 90 % of instances: ` +
        `median OU ${formatHours(c.medianHoursTo90)}, worst ${formatHours(c.worstHoursTo90)}` +
        (laggards.length > 0 ? `; not yet: ${laggards.slice(0, LAGGARDS_NAMED).join(', ')}` : ''),
    );
  }
  return out;
}

/** Human output: per image, its versions in use, then per channel and OU, then patch compliance per cycle. */
export function renderFleet(report: FleetReport): string {
  const out: string[] = [];
  for (const f of report.images) {
    out.push(...imageLines(f));
    const rows = report.channels.filter((r) => r.image === f.image);
    if (rows.length > 0) {
      out.push(
        "  per channel and OU (each channel's own accounts against its own pointer; behind: as above):",
        ...ouLines(rows, report.ouNames, report.reach ?? []),
      );
    }
    for (const l of (report.leftBehind ?? []).filter((x) => x.image === f.image && x.instances > 0))
      out.push(
        `  ${l.channel} rollout ${l.version} left ${leftBehindText(l)} in ${l.groups} group(s) on an older version${l.unmoved ? `, ${l.unmoved} group(s) of them moving no instance` : ''}  [read when each group's refresh ended]`,
      );
    const compliance = report.compliance.filter((c) => c.image === f.image);
    const missed = report.missed.filter((m) => m.image === f.image);
    if (compliance.length > 0 || missed.length > 0)
      out.push(
        "  patch compliance (from the cycle's Patch Tuesday to the cycle's version; a channel's first version is a rollout, not a cycle):",
        ...complianceLines(compliance, report.ouNames),
        ...missed.map((m) => `  ${missedCycleText(m)}`),
      );
    out.push('');
  }
  for (const w of report.grantWarnings ?? []) out.push(`warning: ${w}`);
  return out.join('\n');
}
