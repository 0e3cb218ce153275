import { announce } from '../../aws/notifications/notifications.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { AccountRegionUse } from '../../core/fleet/usage.js';
import { announcement } from '../../core/notifications/announce.js';
import { keyedBy } from './revoke-mark.js';

/** How many accounts and instances ran the version, as of its newest observation. */
export function inUseSummary(users: readonly AccountRegionUse[]) {
  return {
    accounts: new Set(users.map((u) => u.account)).size,
    instances: users.reduce((n, u) => n + u.instances, 0),
    observedAt:
      users
        .map((u) => u.observedAt)
        .sort()
        .at(-1) ?? '',
  };
}

/** Announcements to the accounts still running a revoked version go out a few at a time (SNS Publish each). */
const TELL_CONCURRENCY = 8;

/**
 * Tells every account that still ran the revoked version (its last usage observation, per Region) on its own
 * (`fleet-on-revoked`, keyed by account, Region and the revocation's own key (revoke-mark.ts `revocationKey`), so
 * a repeat tells nobody twice and a second revocation of a restored version tells them again). After the revocation EC2 can no
 * longer report their use (image usage reports count only the accounts an AMI is shared with), so this is the last
 * word Goldsmith has on them.
 */
export async function tellUsers(
  request: { image: string; version: string; reason: string },
  users: readonly AccountRegionUse[],
  at: string,
  key: string,
): Promise<void> {
  await mapWithConcurrency(users, TELL_CONCURRENCY, (u) =>
    announce(
      announcement(
        'fleet-on-revoked',
        { image: request.image, version: request.version },
        {
          account: u.account,
          region: u.region,
          instances: u.instances,
          launchTemplates: u.launchTemplates,
          observedAt: u.observedAt,
          reason: request.reason,
        },
        { at, key: keyedBy(`${u.account}:${u.region}`, key) },
      ),
    ),
  );
}
