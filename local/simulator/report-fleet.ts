import { channelFleet, type OuFleet } from '../../core/fleet/channel-view.js';
import { type ChannelCompliance, channelCompliance } from '../../core/fleet/compliance-summary.js';
import type { OuReach } from '../../core/fleet/rollout-reach.js';
import { complianceKey, imagePk } from '../../core/ledger/keys.js';
import type { LedgerItem } from '../../core/status/image-view.js';
import type { LocalCloud } from './cloud.js';
import type { FleetEvent } from './fleets.js';
import { buildAmis } from './lifecycle-audit.js';
import { reachFigures } from './report-reach.js';
import type { Scenario } from './scenario.js';
import { targetResolver } from './targets.js';

type Item = Record<string, unknown>;

/**
 * The report's `fleet` section (docs/simulation.md): patch compliance per cycle, image, channel and OU as the
 * ledger's `COMPLIANCE` records hold it (what the daily sweep measured from EC2's usage reports), and per channel
 * and OU which versions the organization runs (`goldsmith fleet`'s figures).
 */
export interface FleetFigures {
  compliance: ChannelCompliance[];
  /** Per image, channel and OU: accounts and instances by where their version stands. */
  standings: OuFleet[];
  /** Per image and channel: the share of instances by version, day by day, as the fleets ran them. */
  shares: FleetShareSeries[];
  /** Per fleet's channel and OU: pointer move to 90 % of instances, rollout groups beside hand-refreshed ones. */
  reach: OuReach[];
}

export interface FleetShareSeries {
  image: string;
  channel: string;
  days: { at: string; instances: Record<string, number> }[];
}

/** The compliance records the ledger holds. */
export function complianceRecords(items: readonly Item[]): Item[] {
  const pk = complianceKey('', '', '', '').pk;
  return items.filter((i) => i.pk === pk);
}

/** The compliance part of the report. */
export function complianceFigures(items: readonly Item[]): ChannelCompliance[] {
  return channelCompliance(complianceRecords(items));
}

const DAY = 86_400_000;

/** The fleets' instances per version at each midnight of the run, replayed from their own moves. */
export function shareSeries(
  events: readonly FleetEvent[],
  versionOf: (ami: string) => string,
  span: { start: string; until: string },
): FleetShareSeries[] {
  const keys = [...new Set(events.map((e) => `${e.image}\n${e.channel}`))].sort();
  return keys.map((key) => {
    const [image = '', channel = ''] = key.split('\n');
    const moves = events.filter((e) => e.image === image && e.channel === channel);
    const running = new Map<string, number>();
    const days: FleetShareSeries['days'] = [];
    let next = 0;
    const first = Math.ceil(Date.parse(span.start) / DAY) * DAY;
    for (let t = first; t <= Date.parse(span.until); t += DAY) {
      for (; next < moves.length && Date.parse(moves[next]!.at) <= t; next++) {
        const m = moves[next]!;
        const to = versionOf(m.to);
        // Instances a refresh ended without replacing them (Standby under Terminate) leave `from` and reach nothing.
        if (!m.ended) running.set(to, (running.get(to) ?? 0) + m.instances);
        if (m.from !== undefined) {
          const from = versionOf(m.from);
          running.set(from, (running.get(from) ?? 0) - m.instances);
        }
      }
      const instances = Object.fromEntries(
        [...running].filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b)),
      );
      days.push({ at: new Date(t).toISOString(), instances });
    }
    return { image, channel, days };
  });
}

/** The report's `fleet` section, from the ledger, the catalog's channels over the Organizations fake, and the fleets. */
export function fleetFigures(
  cloud: LocalCloud,
  items: readonly Item[],
  events: readonly FleetEvent[],
  scenario: Pick<Scenario, 'start' | 'until' | 'seed' | 'fleets'>,
): FleetFigures {
  const { organizations } = cloud.installed.fakes;
  const reach = targetResolver(organizations);
  const ouOf = (account: string) => organizations.ancestors(account)[0];
  const standings: OuFleet[] = [];
  for (const image of Object.keys(cloud.catalog.images).sort()) {
    const partition = items.filter((i) => i.pk === imagePk(image)) as LedgerItem[];
    if (!partition.some((i) => String(i.sk).startsWith('USAGE#'))) continue;
    for (const channel of cloud.catalog.channels) {
      const accounts = reach(channel.targets);
      standings.push(...channelFleet(image, channel.name, partition, accounts, ouOf));
    }
  }
  const amis = buildAmis(cloud);
  const versionOf = (ami: string) => amis.get(ami)?.version ?? ami;
  return {
    compliance: complianceFigures(items),
    standings,
    shares: shareSeries(events, versionOf, scenario),
    reach: reachFigures(scenario, items, events, versionOf, ouOf),
  };
}
