import { readFile } from 'node:fs/promises';
import type { Catalog } from '../core/config/schema.js';
import type { CountedKeyGrants } from '../core/limits/key-grants.js';
import type { OrgTree } from '../core/sharing/targets.js';
import { UsageError } from './usage.js';

/** The organization, where it comes from, and what the AMI key's grants are known or estimated to be. */
export interface ValidationOrganization {
  tree: OrgTree;
  source: string;
  volumesPerAccount?: number;
  /** The daily grants count per Region a saved cloud's ledger holds (functions/key-grants.ts). */
  counted?: CountedKeyGrants[];
}

/**
 * The organization `goldsmith validate` resolves channel targets against, offline: the one a saved local cloud holds
 * in its ledger (`--local DIR`, as organization-sync keeps it), or the one a simulation scenario describes
 * (`--scenario FILE`, built from the catalog as `goldsmith simulate` builds it). Neither: none, and targets are
 * counted as the catalog names them.
 */
export async function validationOrganization(
  catalog: Catalog,
  options: { local?: string | undefined; scenario?: string | undefined },
): Promise<ValidationOrganization | undefined> {
  if (options.local !== undefined && options.scenario !== undefined)
    throw new UsageError('--local and --scenario both describe the organization: give one');
  if (options.local !== undefined) {
    const [{ readState }, { treeFromHeldItems }, { orgKey }, { KEY_GRANTS_PK }, { countedKeyGrants }] =
      await Promise.all([
        import('./operator/saved-state.js'),
        import('../core/sharing/held-organization.js'),
        import('../core/ledger/keys.js'),
        import('../core/audit/key-grants.js'),
        import('../core/limits/key-grants.js'),
      ]);
    const state = await readState(options.local);
    const tree = treeFromHeldItems(state.snapshot.ledger.filter((i) => i.pk === orgKey('STATE').pk));
    if (!tree) throw new UsageError(`${options.local} holds no organization yet (organization-sync has not run there)`);
    const counted = countedKeyGrants(state.snapshot.ledger.filter((i) => i.pk === KEY_GRANTS_PK));
    return { tree, source: `the organization held in ${options.local}`, counted };
  }
  if (options.scenario === undefined) return undefined;
  const [{ scenarioSchema }, { organizationFromCatalog, orgTreeOf }, { LOCAL_ACCOUNT }] = await Promise.all([
    import('../local/simulator/scenario.js'),
    import('../local/fakes/organization-spec.js'),
    import('../local/simulator/cloud-types.js'),
  ]);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(options.scenario, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read scenario ${options.scenario}: ${(error as Error).message}`);
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UsageError(`scenario.${first?.path.join('.')}: ${first?.message}`);
  }
  const { accountsPerOu, levels, fanOut } = parsed.data.organization;
  const spec = organizationFromCatalog(catalog, { managementAccountId: LOCAL_ACCOUNT, accountsPerOu, levels, fanOut });
  // The scenario's fleets: each instance an account runs attaches (at least) one volume encrypted with the AMI key.
  const volumesPerAccount = parsed.data.fleets.reduce((n, f) => n + f.instances, 0);
  return { tree: orgTreeOf(spec), source: `the organization ${options.scenario} describes`, volumesPerAccount };
}
