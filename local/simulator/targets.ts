import type { OrganizationsFake } from '../fakes/organizations.js';

export interface TargetSet {
  organization?: boolean | undefined;
  ous: readonly string[];
  accounts: readonly string[];
  accountTags?: Readonly<Record<string, string>>;
  exclude?: { ous: readonly string[]; accounts: readonly string[] };
}

/**
 * The accounts a set of targets reaches in the organization, computed from the Organizations fake independently of
 * core/sharing (so the audit does not check the resolver against itself): the whole organization or every account
 * under its OUs, plus the named and tag-selected members, minus the exclusions, active accounts only. Accounts per
 * OU are looked up once per resolver: reports ask about the same OUs for every promotion.
 */
export function targetResolver(org: OrganizationsFake): (targets: TargetSet) => Set<string> {
  const underOu = new Map<string, readonly string[]>();
  const under = (ou: string): readonly string[] => {
    let accounts = underOu.get(ou);
    if (!accounts) {
      accounts = org.accountsUnder(ou);
      underOu.set(ou, accounts);
    }
    return accounts;
  };
  const members = org.accountIds();
  return (targets) => {
    const reached = new Set(targets.organization ? members : targets.ous.flatMap(under));
    for (const a of targets.accounts) if (org.isMember(a)) reached.add(a);
    const tags = Object.entries(targets.accountTags ?? {});
    if (tags.length > 0) {
      for (const a of members) if (tags.every(([k, v]) => org.accountTags(a)[k] === v)) reached.add(a);
    }
    for (const ou of targets.exclude?.ous ?? []) for (const a of under(ou)) reached.delete(a);
    for (const a of targets.exclude?.accounts ?? []) reached.delete(a);
    for (const a of reached) if (org.accountState(a) !== 'ACTIVE') reached.delete(a);
    return reached;
  };
}

/** Finds a build of the Image Builder fake by image and version (`1.0.0/3`), indexed once. */
export function buildFinder<B extends { arn: string; pipeline: { image: string } }>(
  builds: Iterable<B>,
): (image: string, version: string) => B | undefined {
  const index = new Map<string, B>();
  for (const b of builds) index.set(`${b.pipeline.image}@${b.arn.split('/').slice(-2).join('/')}`, b);
  return (image, version) => index.get(`${image}@${version}`);
}
