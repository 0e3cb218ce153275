import { getShare, recordWithdrawal } from '../../aws/promotion/promotion-withdrawals.js';
import { readLaunchPermissions } from '../../aws/sharing/ec2-sharing.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import { grantKey, type LaunchGrant } from '../../core/sharing/grants.js';
import { logger } from '../lib/powertools.js';

/**
 * After a stopped channel's grants fell back to the channels the version holds (`kept`): when that channel had shared
 * the version, reads every AMI's launch permissions back and, only when none is in force beyond `keep`, records the
 * withdrawal on the channel's outcome (what the channel's Share had granted, where). Not confirmed (EC2 still lists
 * more): nothing is recorded and it is logged; the end-of-run and daily audits find such a grant. Safe to retry: the
 * record is written once.
 */
export async function confirmWithdrawal(
  stopped: { image: string; version: string; channel: string },
  amis: readonly RegionAmi[],
  keep: readonly LaunchGrant[],
  kept: readonly string[],
  at: string,
): Promise<boolean> {
  const { image, version, channel } = stopped;
  const share = await getShare(image, version, channel);
  if (!share) return false;
  const wanted = new Set(keep.map(grantKey));
  for (const { region, imageId } of amis) {
    const extra = (await readLaunchPermissions(region, imageId)).filter((g) => !wanted.has(grantKey(g)));
    if (extra.length > 0) {
      logger.warn('a stopped channel still grants the version', { image, version, channel, region, extra });
      return false;
    }
  }
  return recordWithdrawal(image, version, channel, {
    at,
    regions: share.regions,
    ous: share.counts.ous,
    accounts: share.counts.accounts,
    kept: [...kept],
  });
}
