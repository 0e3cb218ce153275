import { recordShareDecision, recordShareIntent } from '../../aws/promotion/promotion-ledger.js';
import { PreconditionsUnmetError, unmetToPromote } from '../../core/promotion/preconditions.js';
import { accountSetHash } from '../../core/sharing/targets.js';
import { bundledCatalog } from '../lib/catalog.js';
import { channelsHeld, grantVersionTo } from '../sharing/version-grants.js';
import { taskHandler } from './lambda.js';
import { promotionPlans } from './plans.js';
import type { ChannelItem } from './schemas.js';
import { type ContainerShareResult, shareContainer } from './share-container.js';
import { trustedChannel } from './trusted.js';

/** What Share did for one channel: where, to how many, with how many EC2 calls. */
export interface ShareResult {
  regions: string[];
  targets: { ous: number; accounts: number; tags: number; grants: number };
  calls: { modifyImageAttribute: number; modifySnapshotAttribute: number };
}

/** The channels this version holds once `item`'s channel is added, with their catalog targets, in catalog order. */
async function channelsAfterShare(item: ChannelItem) {
  const plan = promotionPlans()[item.image];
  if (!plan) throw new Error(`Share: image "${item.image}" is not in the bundled catalog`);
  const held = await channelsHeld(item.image, item.version);
  held.add(item.channel.name);
  return plan.channels
    .filter((c) => held.has(c.name))
    .map((c) => (c.name === item.channel.name ? item.channel : c))
    .map((c) => ({ name: c.name, targets: c.targets }));
}

/**
 * Share acts only on what the catalog and the ledger say (trusted.ts): the build's AMIs as LoadImage read them, the
 * catalog's targets, and only once Gate, the approval and the soak the catalog asks for are recorded
 * (core/promotion/preconditions.ts); otherwise it is refused and changes nothing.
 *
 * Share: resolves the channel's targets from Organizations now (OUs with their nested OUs, named and tag-selected
 * accounts, minus exclusions; suspended and closed accounts skipped) and makes the version's AMIs, in every
 * region, launchable by exactly the channels it holds, this one included: the fewest ModifyImageAttribute calls
 * over what is in force, regions in parallel. A change that would share each AMI with more organizations, OUs and
 * accounts than EC2's AMI sharing quota allows (the catalog's `quotas.amiSharing`, default 1,000) is refused before
 * any EC2 call, as a permanent failure (core/sharing/sharing-quota.ts). Records counts and the resolved set's hash
 * in the ledger (not the ids); before its first ModifyImageAttribute it records its intent (`SHARING#`), so the
 * daily audit, which may read EC2 between the grant and the record, lets the grant be. A retry finds the grants in force and makes no call. A container image is shared through its ECR
 * repository policy instead (share-container.ts).
 */
export async function share(input: unknown): Promise<ShareResult | ContainerShareResult> {
  const { item, facts } = await trustedChannel(input, 'Share');
  const unmet = unmetToPromote(facts, item);
  if (unmet.length > 0) throw new PreconditionsUnmetError('Share', unmet);
  // Container images are shared through their ECR repository policy (share-container.ts).
  if (item.build.containers.length > 0) return shareContainer(item);
  const { resolved, applied } = await grantVersionTo(
    item.build.amis,
    await channelsAfterShare(item),
    undefined,
    { image: item.image, version: item.version, quota: bundledCatalog().quotas.amiSharing },
    // Once within the quota, the intent before the first grant: the daily audit lets a grant in flight be
    // (functions/audit/launch-repair.ts).
    () =>
      recordShareIntent({
        image: item.image,
        version: item.version,
        channel: item.channel.name,
        at: new Date().toISOString(),
      }),
  );
  const mine = resolved.byChannel.get(item.channel.name)!;
  const t = item.channel.targets;
  const result: ShareResult = {
    regions: item.build.amis.map((a) => a.region),
    targets: {
      ous: t.ous.filter((ou) => !t.exclude.ous.includes(ou)).length + (t.organization ? 1 : 0),
      accounts: mine.accounts.length,
      tags: Object.keys(t.accountTags).length,
      grants: mine.grants.length,
    },
    calls: {
      modifyImageAttribute: applied.reduce((n, a) => n + a.imageCalls, 0),
      modifySnapshotAttribute: applied.reduce((n, a) => n + a.snapshotCalls, 0),
    },
  };
  await recordShareDecision({
    image: item.image,
    version: item.version,
    channel: item.channel.name,
    regions: result.regions,
    targets: {
      organization: t.organization ?? false,
      ous: t.ous,
      accounts: t.accounts,
      accountTags: t.accountTags,
      excluded: t.exclude,
      allowCopy: t.allowCopy ?? false,
    },
    counts: { ...result.targets, skipped: mine.skipped.length },
    accountsHash: accountSetHash(mine.accounts),
    skipped: mine.skipped.slice(0, 20),
    calls: result.calls,
    at: new Date().toISOString(),
  });
  return result;
}

export const handler = taskHandler('promotion-share', share);
