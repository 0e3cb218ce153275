import { formatPath } from '../../core/config/problems.js';
import { type WaveOutside, wavesOutside } from '../../core/config/rules/rollout-organization.js';
import type { Catalog } from '../../core/config/schema.js';
import { type OrgTree, resolveTargets, withoutMissingOus } from '../../core/sharing/targets.js';
import { orgTreeOf } from '../fakes/organization-spec.js';
import { organizationFromCatalog } from '../fakes/organizations.js';
import { LOCAL_ACCOUNT } from './cloud-types.js';
import type { Scenario } from './scenario.js';

/**
 * What a scenario asks that its own times and its organization cannot give, as `scenario.<path>: …` lines, found
 * before the run: an `until` at or before `start` (the run would end before it began, silently), and a fault naming
 * an OU the organization never has (the OUs the catalog's channels name, the OUs nested below them, and those the
 * scenario's own `create-ou` events make), which would fire on nobody; and a rollout wave naming an account the
 * channel's targets do not reach in the organization the scenario describes (or an OU it does not have), which the
 * rollout would pass over without a word (it refreshes only accounts the targets reach); and a fleet's `shapes` key
 * naming an account the fleet does not hold (fleetAccountsOf), whose shape would shape no group. An account one of
 * the scenario's `organization` events names is left to the run: the event may bring it in.
 */
export function scenarioPreflightProblems(scenario: Scenario, catalog: Catalog): string[] {
  const problems: string[] = [];
  if (Date.parse(scenario.until) <= Date.parse(scenario.start)) {
    problems.push(
      `scenario.until: ${scenario.until} is not after scenario.start (${scenario.start}): nothing would run`,
    );
  }
  const organizationOf = (accountsPerOu: number) =>
    organizationFromCatalog(catalog, {
      managementAccountId: LOCAL_ACCOUNT,
      accountsPerOu,
      levels: scenario.organization.levels,
      fanOut: scenario.organization.fanOut,
    });
  const organization = organizationOf(1);
  const ous = new Set(organization.ous.map((ou) => ou.id));
  const changed = new Set<string>();
  for (const event of scenario.events) {
    const action = event.action as { kind?: unknown; change?: unknown; ou?: unknown; account?: unknown };
    if (action.kind !== 'organization') continue;
    if (action.change === 'create-ou' && typeof action.ou === 'string') ous.add(action.ou);
    if (typeof action.account === 'string') changed.add(action.account);
  }
  const known = [...ous].slice(0, 5).join(', ') + (ous.size > 5 ? ', …' : '');
  const check = (path: string, target: object): void => {
    const ou = 'ou' in target ? target.ou : undefined;
    if (typeof ou === 'string' && !ous.has(ou)) {
      problems.push(`scenario.${path}.ou: no OU "${ou}" in the organization (it has ${known || 'none'})`);
    }
  };
  for (const [i, a] of scenario.faults.alarms.entries()) check(`faults.alarms.${i}`, a);
  for (const [i, f] of scenario.faults.refreshFailures.entries()) check(`faults.refreshFailures.${i}`, f);
  // The OUs are the same whatever the accounts per OU; a wave's accounts are judged in the organization as the run
  // builds it (only when a wave names one: a big organization is not built twice for nothing).
  const namesAccounts =
    catalog.channels.some((c) => c.rollout?.waves.some((w) => w.accounts.length > 0)) ||
    scenario.fleets.some((f) => Object.keys(f.shapes).length > 0);
  const tree = orgTreeOf(namesAccounts ? organizationOf(scenario.organization.accountsPerOu) : organization);
  problems.push(...waveProblems(catalog, tree, (o) => (o.why === 'ou' ? ous.has(o.id) : changed.has(o.id))));
  scenario.fleets.forEach((fleet, i) => {
    const held = fleetAccountsOf(catalog, tree, fleet);
    if (!held) return;
    const some = held.slice(0, 3).join(', ') + (held.length > 3 ? ', …' : '');
    for (const account of Object.keys(fleet.shapes)) {
      if (held.includes(account) || changed.has(account)) continue;
      problems.push(
        `scenario.fleets.${i}.shapes.${account}: account ${account} is not in the fleet (the accounts channel "${fleet.channel}"'s targets reach in the organization the scenario describes${fleet.accountsPerOu === undefined ? '' : `, ${fleet.accountsPerOu} per OU`}: ${some || 'none'}): its shape would shape no group`,
      );
    }
  });
  return problems;
}

/**
 * The accounts a fleet holds when the run starts, as local/simulator/fleet-accounts.ts picks them: the active accounts
 * its channel's targets reach, sorted, up to its `accountsPerOu` in each parent OU (undefined: an image or channel the
 * catalog lacks, which scenario-catalog.ts reports).
 */
function fleetAccountsOf(catalog: Catalog, tree: OrgTree, fleet: Scenario['fleets'][number]): string[] | undefined {
  const channel = catalog.channels.find((c) => c.name === fleet.channel);
  if (!channel || !catalog.images[fleet.image]) return undefined;
  const perOu = new Map<string, number>();
  return resolveTargets(tree, withoutMissingOus(tree, channel.targets).spec).accounts.filter((account) => {
    const ou = tree.accounts.get(account)?.parentId ?? tree.rootId;
    const count = perOu.get(ou) ?? 0;
    if (fleet.accountsPerOu !== undefined && count >= fleet.accountsPerOu) return false;
    perOu.set(ou, count + 1);
    return true;
  });
}

/** A rollout wave's account or OU outside what the scenario's organization lets it reach, one line each. */
function waveProblems(catalog: Catalog, tree: OrgTree, leftToTheRun: (o: WaveOutside) => boolean): string[] {
  return wavesOutside(catalog, tree)
    .filter((o) => !leftToTheRun(o))
    .map((o) => {
      const what =
        o.why === 'ou'
          ? `OU ${o.id}, which the organization the scenario describes does not have`
          : o.why === 'account'
            ? `account ${o.id}, which the organization the scenario describes does not have`
            : `account ${o.id}, which channel "${o.channel}"'s targets do not reach in the organization the scenario describes`;
      return `scenario: channel "${o.channel}"'s rollout wave "${o.wave}" names ${what}: the rollout would pass it over without a word (catalog ${formatPath(o.path)})`;
    });
}
