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

/**
 * The member baseline StackSet's `FailureTolerancePercentage` for the operations Goldsmith starts (create, update;
 * auto-deployments ignore operation preferences).
 */
export const BASELINE_FAILURE_TOLERANCE_PERCENTAGE = 10;

/**
 * How many accounts' stacks may fail in one Region before CloudFormation stops a member baseline operation there:
 * "the percentage of accounts per Region … When calculating the number of accounts based on the specified
 * percentage, CloudFormation rounds down to the next whole number"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html). So
 * floor(10 % of the accounts): none below 10 accounts, where the first account whose stack fails stops the operation
 * in that Region and the accounts not yet reached keep what they had.
 */
export function failedAccountsTolerated(accounts: number, percentage = BASELINE_FAILURE_TOLERANCE_PERCENTAGE): number {
  return Math.floor((accounts * percentage) / 100);
}
