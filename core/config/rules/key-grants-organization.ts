import { type CountedKeyGrants, type KeyGrantUse, keyGrantWarningsCounted } from '../../limits/key-grants.js';
import { memberBaselineTargets } from '../../sharing/member-baseline.js';
import { type OrgTree, resolveTargets, withoutMissingOus } from '../../sharing/targets.js';
import type { Catalog } from '../schema.js';

/**
 * The AMI key's grants each Region will hold, estimated from the catalog's targets resolved against `tree` and the
 * volumes an account attaches (`volumesPerAccount`, each encrypted with the key and holding a grant): one explicit
 * grant per targeted account (its Auto Scaling role's, from the member baseline or by hand) and one per volume, in
 * every Region an AMI image is distributed to (core/limits/key-grants.ts). Tagged targets count only where the
 * tree's tags were read.
 */
export function estimatedKeyGrants(catalog: Catalog, tree: OrgTree, volumesPerAccount: number): KeyGrantUse[] {
  const accounts = new Set<string>();
  catalog.channels.forEach((channel, i) => {
    const tagged = Object.keys(channel.targets.accountTags).length > 0;
    if (tagged && !tree.tagsRead) return;
    const { spec } = withoutMissingOus(tree, channel.targets);
    for (const a of resolveTargets(tree, spec, `channels[${i}].targets`).accounts) accounts.add(a);
  });
  return memberBaselineTargets(catalog).regions.map((region) => ({
    region,
    explicit: accounts.size,
    volumes: accounts.size * volumesPerAccount,
  }));
}

/**
 * `goldsmith validate`'s warnings: each Region whose key holds 80 % of the catalog's grants quota or more, from the
 * daily count where one is `counted`, else from the estimate.
 */
export function keyGrantQuotaWarnings(
  catalog: Catalog,
  tree: OrgTree,
  source: string,
  volumesPerAccount: number,
  counted: readonly CountedKeyGrants[] = [],
): string[] {
  const what = `${source}, at ${volumesPerAccount} attached volume(s) per account`;
  const estimated = estimatedKeyGrants(catalog, tree, volumesPerAccount);
  return keyGrantWarningsCounted(counted, estimated, what, catalog.monitoring.keyGrantQuota);
}
