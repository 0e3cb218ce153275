import { type BaselineStackSet, baselineInstancesOf } from '../../aws/audit/grant-holder.js';
import { grantKeptSince, recordGrantKept, revokeKeyGrant } from '../../aws/audit/key-grants.js';
import { announce } from '../../aws/notifications/notifications.js';
import {
  baselineGrantsOf,
  EXTRA_GRANTS_CRITICAL,
  extraGrantsOf,
  memberGrantsByAccount,
} from '../../core/audit/grantee-sweep.js';
import {
  type AccountWord,
  confirmLeftover,
  type LeftoverGrant,
  type ListedGrant,
} from '../../core/audit/key-grants.js';
import type { Catalog } from '../../core/config/schema.js';
import { announcement } from '../../core/notifications/announce.js';
import { logger } from '../lib/powertools.js';

/**
 * The AMI key grants auditor's sweep in one Region (functions/audit/key-grants.ts): grants judged by grantee, the
 * baseline's kept, the others revoked; the leftovers of accounts the key no longer serves confirmed with AWS, then
 * revoked or kept (announced either way).
 */

/** The grants a Region's sweep revoked. */
export type Revoked = { grantId: string; account: string; outcome: 'revoked' | 'gone' }[];
/** The leftovers it kept, and why. */
export type Kept = { grantId: string; account: string; why: string; until?: string }[];

/** Revokes each grant; idempotent: a grant already revoked (a retried run) is NotFoundException, taken as done. */
async function revokeAll(region: string, keyArn: string, grants: readonly LeftoverGrant[]) {
  const done: Revoked = [];
  for (const l of grants) {
    const outcome = await revokeKeyGrant(region, keyArn, l.grant.grantId);
    done.push({ grantId: l.grant.grantId, account: l.account, outcome });
  }
  return done;
}

/** Revokes the leftovers of accounts the key no longer serves, and announces each. */
export async function sweep(region: string, keyArn: string, leftovers: readonly LeftoverGrant[], at: string) {
  const done = await revokeAll(region, keyArn, leftovers);
  for (const l of leftovers) {
    logger.info('revoked a leftover grant on the AMI key', { region, account: l.account });
    await announce(
      announcement(
        'key-grant-revoked',
        {},
        {
          region,
          account: l.account,
          grantId: l.grant.grantId,
          ...(l.grant.name ? { name: l.grant.name } : {}),
          reason: l.reason,
        },
        { at, key: `KEYGRANTS#revoked#${region}#${l.grant.grantId}` },
      ),
    );
  }
  return done;
}

/**
 * Revokes one account's grants beyond the baseline's and announces them at once: critical past
 * {@link EXTRA_GRANTS_CRITICAL} (someone in the account is filling the key's grants quota), else info.
 */
async function sweepExtras(region: string, keyArn: string, account: string, extras: LeftoverGrant[], at: string) {
  const first = extras[0];
  if (!first) return [];
  const done = await revokeAll(region, keyArn, extras);
  const severity = extras.length > EXTRA_GRANTS_CRITICAL ? 'critical' : 'info';
  logger.warn('revoked grants beyond the baseline’s on the AMI key', { region, account, grants: extras.length });
  await announce(
    announcement(
      'key-grant-revoked',
      {},
      {
        region,
        account,
        grantId: first.grant.grantId,
        ...(first.grant.name ? { name: first.grant.name } : {}),
        reason: first.reason,
        ...(extras.length > 1 && { grants: extras.length }),
      },
      { at, key: `KEYGRANTS#revoked#${region}#${first.grant.grantId}`, severity },
    ),
  );
  return done;
}

/**
 * Each member account's grants to its Auto Scaling role, judged by grantee (core/audit/grantee-sweep.ts): the
 * baseline's kept, one per stack instance (StackSets asked only for an account holding more than one grant), every
 * other one revoked.
 * @returns the baseline's grants, and what was revoked.
 */
export async function judgeByGrantee(
  region: string,
  keyArn: string,
  factoryAccount: string,
  listed: ListedGrant[],
  at: string,
) {
  const stackSet = baselineStackSet();
  const baseline: ListedGrant[] = [];
  const revoked: Revoked = [];
  for (const [account, grants] of memberGrantsByAccount(listed, factoryAccount)) {
    const stackIds =
      grants.length > 1 && stackSet
        ? (await baselineInstancesOf(stackSet, account, region)).flatMap((i) => (i.stackId ? [i.stackId] : []))
        : [];
    const kept = baselineGrantsOf(grants, stackIds);
    baseline.push(...kept);
    revoked.push(...(await sweepExtras(region, keyArn, account, extraGrantsOf(account, grants, kept), at)));
  }
  return { baseline, revoked };
}

/** Organizations' word on each account, read once per run (an account's leftovers in several Regions ask once). */
export type OrganizationWord = (account: string) => Promise<AccountWord['organization']>;

/** The member baseline's StackSet the stack names (absent: the baseline deploys none). */
function baselineStackSet(): BaselineStackSet | undefined {
  const { MEMBER_BASELINE_STACK_SET: stackSetName, MEMBER_BASELINE_CALL_AS: callAs } = process.env;
  if (!stackSetName || (callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN')) return undefined;
  return { stackSetName, callAs };
}

/**
 * The leftovers the ledger's copy found, each asked of AWS before it is revoked (core/audit/key-grants.ts
 * confirmLeftover): never revoked on that copy alone. Those AWS keeps are logged and returned.
 */
export async function confirmed(
  catalog: Catalog,
  region: string,
  leftovers: readonly LeftoverGrant[],
  organizationWord: OrganizationWord,
  at: string,
): Promise<{ revoke: LeftoverGrant[]; kept: Kept }> {
  const stackSet = baselineStackSet();
  const revoke: LeftoverGrant[] = [];
  const kept: Kept = [];
  for (const l of leftovers) {
    const organization = await organizationWord(l.account);
    const instances = stackSet && organization !== 'gone' ? await baselineInstancesOf(stackSet, l.account, region) : [];
    const keptSince = organization === 'gone' ? undefined : await grantKeptSince(region, l.grant.grantId);
    const decided = confirmLeftover(catalog, l, { organization, instances }, { now: at, keptSince });
    if ('revoke' in decided) {
      revoke.push(decided.revoke);
      continue;
    }
    const { grantId, name } = l.grant;
    if (decided.until && !keptSince) await recordGrantKept(region, grantId, at);
    kept.push({ grantId, account: l.account, why: decided.keep, ...(decided.until && { until: decided.until }) });
    logger.warn('kept a grant the ledger says the key no longer serves', {
      region,
      account: l.account,
      why: decided.keep,
    });
    // Every kept grant is announced, once a day.
    await announce(
      announcement(
        'key-grant-kept',
        {},
        {
          region,
          account: l.account,
          grantId,
          ...(name ? { name } : {}),
          why: decided.keep,
          ...(decided.until && { until: decided.until }),
        },
        { at, key: `KEYGRANTS#kept#${region}#${grantId}#${at.slice(0, 10)}` },
      ),
    );
  }
  return { revoke, kept };
}
