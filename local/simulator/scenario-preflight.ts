import type { Catalog } from '../../core/config/schema.js';
import { organizationFromCatalog } from '../fakes/organizations.js';
import type { Scenario } from './scenario.js';

/**
 * What a scenario asks that its own times and its organization cannot give, as `scenario.<path>: …` lines, found
 * before the run: an `until` at or before `start` (the run would end before it began, silently), and a fault naming
 * an OU the organization never has (the OUs the catalog's channels name, the OUs nested below them, and those the
 * scenario's own `create-ou` events make), which would fire on nobody.
 */
export function scenarioPreflightProblems(scenario: Scenario, catalog: Catalog): string[] {
  const problems: string[] = [];
  if (Date.parse(scenario.until) <= Date.parse(scenario.start)) {
    problems.push(
      `scenario.until: ${scenario.until} is not after scenario.start (${scenario.start}): nothing would run`,
    );
  }
  const organization = organizationFromCatalog(catalog, {
    managementAccountId: '000000000000',
    accountsPerOu: 1,
    levels: scenario.organization.levels,
    fanOut: scenario.organization.fanOut,
  });
  const ous = new Set(organization.ous.map((ou) => ou.id));
  for (const event of scenario.events) {
    const action = event.action as { kind?: unknown; change?: unknown; ou?: unknown };
    if (action.kind === 'organization' && action.change === 'create-ou' && typeof action.ou === 'string') {
      ous.add(action.ou);
    }
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
  return problems;
}
