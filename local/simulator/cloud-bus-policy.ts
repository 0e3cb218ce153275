import type { Catalog } from '../../core/config/schema.js';
import type { VirtualClock } from '../clock.js';
import type { InstalledFakes } from '../fakes/install.js';
import { BusAuthorizer } from '../trust/bus-authorizer.js';
import { currentCaller } from '../trust/caller.js';
import type { PolicyDocument } from '../trust/policies.js';
import { LOCAL_ACCOUNT, type RefusedPut } from './cloud-types.js';
import type { CfnTemplate, TemplateResolver } from './intrinsics.js';
import { busPolicies } from './template-reads.js';
import type { Wiring } from './wiring.js';

/**
 * The synthesized bus policies applied to every PutEvents entry: Goldsmith's bus, the authorizer that decides an
 * entry for the calling principal, and the entries it refused.
 */
export function startBusAuthorization(options: {
  catalog: Catalog;
  templates: CfnTemplate[];
  resolver: TemplateResolver;
  wiring: Wiring;
  installed: InstalledFakes;
  rolePolicies: Map<string, PolicyDocument[]>;
  clock: VirtualClock;
  region: string;
  /** The map the bus holds its policies in (filled here with the stacks' ones; PutPermission changes it). */
  policies: Map<string, PolicyDocument>;
}) {
  const { catalog, templates, resolver, wiring, installed, rolePolicies, clock, region, policies } = options;
  for (const [name, policy] of busPolicies(templates, resolver)) policies.set(name, policy);
  const goldsmithBus = [...policies.keys()][0] ?? wiring.rules.find((r) => r.eventBusName !== 'default')?.eventBusName;
  if (!goldsmithBus) throw new Error('the stacks define no Goldsmith bus');
  const busAuthorizer = new BusAuthorizer({
    accountId: LOCAL_ACCOUNT,
    region,
    organizationId: catalog.organization.id,
    organizationAccounts: new Set([LOCAL_ACCOUNT, ...installed.fakes.organizations.accountIds()]),
    busPolicies: policies,
    rolePolicies,
  });
  const refusedPuts: RefusedPut[] = [];
  // A call from outside any function (a test's own SDK call) is the account's root: the bus policy still applies.
  const authorizePut = async (entry: { source: string; detailType: string; busName: string }) => {
    const principal = currentCaller() ?? `arn:aws:iam::${LOCAL_ACCOUNT}:root`;
    const refused = await busAuthorizer.authorize(principal, entry.busName, entry.source, entry.detailType);
    if (refused) {
      refusedPuts.push({ at: clock.iso(), principal, bus: entry.busName, ...entry, reason: refused.reason });
    }
    return refused;
  };
  return { goldsmithBus, busAuthorizer, refusedPuts, authorizePut };
}
