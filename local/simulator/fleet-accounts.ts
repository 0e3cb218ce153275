import type { Catalog } from '../../core/config/schema.js';
import type { OrganizationsFake } from '../fakes/organizations.js';
import { type GroupMode, groupModeOf } from './fleet-groups.js';
import type { ScenarioFleet } from './scenario.js';
import { targetResolver } from './targets.js';

/** One member account's fleet in one Region, as the team runs it. */
export interface AccountFleet {
  readonly account: string;
  readonly ou: string;
  readonly region: string;
  templateId: string | undefined;
  instanceIds: string[];
  /** The pointer value the team has seen and means to move to, and when it will. */
  target: string | undefined;
  moveAt: number;
  /** The AMI the template names now. */
  running: string | undefined;
  /** Whether the account's group follows the rollout, is a tagged parameter-based one, or is today's manual fleet. */
  readonly mode: GroupMode;
}

/**
 * The accounts (one entry per image Region) the fleet's channel reaches now that the fleet does not hold yet, by
 * parent OU, up to the fleet's `accountsPerOu` in each OU (those it holds count).
 */
export function newFleetAccounts(
  catalog: Catalog,
  seed: number,
  fleet: { spec: ScenarioFleet; accounts: readonly AccountFleet[] },
  organizations: OrganizationsFake,
): AccountFleet[] {
  const { spec } = fleet;
  const image = catalog.images[spec.image];
  const channel = catalog.channels.find((c) => c.name === spec.channel);
  if (!image || !channel) return [];
  const held = new Set(fleet.accounts.map((a) => a.account));
  const perOu = new Map<string, number>();
  for (const account of held) {
    const ou = fleet.accounts.find((a) => a.account === account)?.ou ?? 'root';
    perOu.set(ou, (perOu.get(ou) ?? 0) + 1);
  }
  // By parent OU, in the order the sorted accounts first name each OU.
  const byOu = new Map<string, string[]>();
  for (const account of [...targetResolver(organizations)(channel.targets)].sort()) {
    if (held.has(account)) continue;
    const ou = organizations.ancestors(account)[0] ?? 'root';
    const count = perOu.get(ou) ?? 0;
    if (spec.accountsPerOu !== undefined && count >= spec.accountsPerOu) continue;
    perOu.set(ou, count + 1);
    byOu.set(ou, [...(byOu.get(ou) ?? []), account]);
  }
  const added = [...byOu].flatMap(([ou, accounts]) =>
    accounts.flatMap((account) =>
      image.regions.map((region) => ({
        account,
        ou,
        region,
        templateId: undefined,
        instanceIds: [],
        target: undefined,
        moveAt: Number.POSITIVE_INFINITY,
        running: undefined,
        mode: groupModeOf(seed, spec, account),
      })),
    ),
  );
  return added;
}
