import type { Catalog } from '../config/schema.js';

/** Where the member baseline StackSet deploys, from the catalog (stacks/MemberBaseline.ts, `goldsmith preflight`). */
export interface MemberBaselineTargets {
  /** The OUs any channel shares with, sorted: StackSets deploys to every account in them, and to accounts that join. */
  ous: string[];
  /** Every Region an AMI image is distributed to, sorted: the grant is per Region's key. Containers need none. */
  regions: string[];
  /** Channels whose targets the OUs do not cover (the organization, accounts, account tags), by name. */
  uncovered: string[];
}

/** The OUs and Regions the member baseline targets, and the channels it leaves to a hand-run grant. */
export function memberBaselineTargets(catalog: Catalog): MemberBaselineTargets {
  const ous = new Set<string>();
  const uncovered: string[] = [];
  for (const channel of catalog.channels) {
    for (const ou of channel.targets.ous) ous.add(ou);
    const t = channel.targets;
    if (t.organization || t.accounts.length > 0 || Object.keys(t.accountTags).length > 0) uncovered.push(channel.name);
  }
  const regions = new Set(
    Object.values(catalog.images)
      .filter((image) => image.kind === 'ami')
      .flatMap((image) => image.regions),
  );
  return { ous: [...ous].sort(), regions: [...regions].sort(), uncovered };
}
