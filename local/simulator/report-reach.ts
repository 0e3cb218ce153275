import type { InstanceMove, OuReach } from '../../core/fleet/rollout-reach.js';
import { ouReach } from '../../core/fleet/rollout-reach.js';
import { waveStartsOf } from '../../core/fleet/rollout-reach-ledger.js';
import { imagePk, skPrefix } from '../../core/ledger/keys.js';
import { groupModeOf } from './fleet-groups.js';
import type { FleetEvent } from './fleets.js';
import type { Scenario } from './scenario.js';

type Item = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The report's `fleet.reach` (core/fleet/rollout-reach.ts): per fleet's channel and OU, the hours from each forward
 * pointer move to 90 % of the OU's instances on the new version, rollout groups beside hand-refreshed ones, from what
 * the fleets did (their moves), the ledger's promotions and its rollout records' wave starts.
 */
export function reachFigures(
  scenario: Pick<Scenario, 'seed' | 'fleets'>,
  items: readonly Item[],
  events: readonly FleetEvent[],
  versionOf: (ami: string) => string,
  ouOf: (account: string) => string | undefined,
): OuReach[] {
  return scenario.fleets.flatMap((spec) => {
    const { image, channel } = spec;
    const partition = items.filter((i) => i.pk === imagePk(image));
    const promotions = partition
      .filter((i) => i.kind === 'promotion' && i.outcome === 'promoted' && i.channel === channel)
      .map((i) => ({ version: str(i.version), at: str(i.at) }));
    const moves: InstanceMove[] = events
      .filter((e) => e.image === image && e.channel === channel)
      .map((e) => ({
        at: e.at,
        account: e.account,
        ou: e.ou,
        kind: groupModeOf(scenario.seed, spec, e.account) === 'rollout' ? 'rollout' : 'hand',
        from: e.from === undefined ? undefined : versionOf(e.from),
        to: versionOf(e.to),
        instances: e.instances,
        ...(e.ended && { ended: true }),
      }));
    const prefix = `${skPrefix.rollout}${channel}#`;
    const waveStarts = waveStartsOf(
      partition.filter((i) => str(i.sk).startsWith(prefix)),
      ouOf,
    );
    return ouReach({ image, channel, promotions, moves, waveStarts });
  });
}
