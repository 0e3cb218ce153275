import { recordShareDecision } from '../../aws/promotion-ledger.js';
import { taskHandler } from './lambda.js';
import { type ChannelItem, channelItemSchema, parseTaskInput } from './schemas.js';

/** The sharing decision for one channel: which regions and which organization targets. */
export interface ShareDecision {
  regions: string[];
  targets: { ous: number; accounts: number; tags: number };
}

/** What the channel grants, minus its exclusions; counts are of what the catalog names, before org resolution. */
export function shareDecisionFor(
  item: ChannelItem,
): ShareDecision & { detail: Parameters<typeof recordShareDecision>[0]['targets'] } {
  const t = item.channel.targets;
  const ous = t.ous.filter((ou) => !t.exclude.ous.includes(ou));
  const accounts = t.accounts.filter((a) => !t.exclude.accounts.includes(a));
  return {
    regions: item.build.amis.map((a) => a.region),
    targets: { ous: ous.length, accounts: accounts.length, tags: Object.keys(t.accountTags).length },
    detail: { ous, accounts, accountTags: t.accountTags, excluded: t.exclude },
  };
}

/**
 * Share: records the sharing decision (regions, OUs/accounts/tags and their counts) in the ledger. It does not
 * change launch permissions yet: the org-aware sharing modules (ModifyImageAttribute per region) are a later issue.
 */
export async function share(input: unknown): Promise<ShareDecision> {
  const item = parseTaskInput(channelItemSchema, input, 'Share');
  const decision = shareDecisionFor(item);
  await recordShareDecision({
    image: item.image,
    version: item.version,
    channel: item.channel.name,
    regions: decision.regions,
    targets: decision.detail,
    counts: decision.targets,
    at: new Date().toISOString(),
  });
  return { regions: decision.regions, targets: decision.targets };
}

export const handler = taskHandler('promotion-share', share);
