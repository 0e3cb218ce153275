import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { accountPathNow } from '../../aws/audit/grant-holder.js';
import { listKeyGrants, readGrantCounts, recordGrantCount } from '../../aws/audit/key-grants.js';
import { announce } from '../../aws/notifications/notifications.js';
import { readHeldOrganizationItems, readHeldOrganizationState } from '../../aws/sharing/organization-held.js';
import {
  type AccountWord,
  countDue,
  countGrants,
  type GrantCount,
  type GrantFinding,
  grantFindings,
  leftoverGrants,
} from '../../core/audit/key-grants.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import type { Catalog } from '../../core/config/schema.js';
import { isTransient } from '../../core/errors/classify.js';
import { announcement } from '../../core/notifications/announce.js';
import { heldState, treeFromHeldItems } from '../../core/sharing/held-organization.js';
import type { OrgTree } from '../../core/sharing/targets.js';
import { logger, metricsWithDimensions } from '../lib/powertools.js';
import { readOnce } from '../lib/read-once.js';
import {
  confirmed,
  judgeByGrantee,
  type Kept,
  type OrganizationWord,
  type Revoked,
  sweep,
} from './key-grants-sweep.js';
import { messageOf } from './report.js';

/** Regions counted at once: each is a few ListGrants pages, and KMS's request quotas are per Region. */
export const REGIONS_AT_ONCE = 4;

/** The metrics the count publishes per Region (dimension `region`). */
export const KEY_GRANT_METRICS = { grants: 'AmiKeyGrants', percent: 'AmiKeyGrantsPercentOfQuota' } as const;

/** What one Region's count found and did. */
export interface RegionGrants {
  region: string;
  /** Grants on the key after the sweep; undefined when the Region failed. */
  total?: number;
  accounts?: number;
  /** Whether the ledger holds this count (read back). */
  recorded?: boolean;
  /** Why the Region was listed today (core/audit/key-grants.ts `countDue`); absent: its held count stood. */
  listed?: string;
  /** When the count that stood was taken, when the Region was not listed. */
  heldFrom?: string;
  revoked: Revoked;
  /** Leftovers of the ledger's copy of the organization that AWS's word kept, and why (absent: none). */
  kept?: Kept;
  findings: GrantFinding[];
  failure?: string;
  /** Whether that failure may pass on a retry (throttling, a 5xx). */
  transient?: boolean;
}

export interface KeyGrantsRun {
  regions: RegionGrants[];
  /** Why leftover grants were not swept: the ledger holds no organization yet. */
  sweepSkipped?: string;
}

/** The key's ARN in `region`: a multi-Region key's replicas share its id (arn:…:kms:<region>:<account>:key/<id>). */
export const keyArnIn = (homeKeyArn: string, region: string) =>
  homeKeyArn.replace(/^(arn:[^:]+:kms:)[^:]+:/, `$1${region}:`);

/** The Region's gauges, from a count taken now or the one that stands. */
function publishGauges(region: string, total: number, quota: number): void {
  const gauges = metricsWithDimensions({ region });
  gauges.addMetric(KEY_GRANT_METRICS.grants, MetricUnit.Count, total);
  gauges.addMetric(KEY_GRANT_METRICS.percent, MetricUnit.Percent, (total / quota) * 100);
  gauges.publishStoredMetrics();
}

/** A Region whose held count stands today: its gauges published again, nothing listed, revoked or announced. */
function heldRegion(held: GrantCount, quota: number): RegionGrants {
  publishGauges(held.region, held.total, quota);
  return {
    region: held.region,
    total: held.total,
    accounts: held.accounts,
    recorded: true,
    heldFrom: held.countedAt,
    revoked: [],
    findings: [],
  };
}

async function countRegion(
  catalog: Catalog,
  homeKeyArn: string,
  region: string,
  /** The held organization's tree, read when first asked for (only a Region listed today needs it). */
  tree: () => Promise<OrgTree | undefined>,
  now: Date,
  organizationWord: OrganizationWord,
  organizationChangedAt: string | undefined,
  /** Every Region's held count, read once for the run (`readGrantCounts`). */
  heldCounts: Promise<ReadonlyMap<string, GrantCount>>,
): Promise<RegionGrants> {
  const at = now.toISOString();
  const keyArn = keyArnIn(homeKeyArn, region);
  const { keyGrantQuota: quota, keyGrantAccountShare: share } = catalog.monitoring;
  const held = (await heldCounts).get(region);
  const why = countDue(held, keyArn, organizationChangedAt, now, quota);
  if (held && why === undefined) return heldRegion(held, quota);
  const factoryAccount = keyArn.split(':')[4] ?? '';
  // The held tree read beside the listing, and before anything is revoked: a failed read acts on nothing.
  const organizationRead = tree();
  const listed = await listKeyGrants(region, keyArn);
  const organization = await organizationRead;
  const judged = await judgeByGrantee(region, keyArn, factoryAccount, listed, at);
  const candidates = organization ? leftoverGrants(catalog, organization, factoryAccount, judged.baseline) : [];
  const { revoke: leftovers, kept } = await confirmed(catalog, region, candidates, organizationWord, at);
  const revoked = [...judged.revoked, ...(await sweep(region, keyArn, leftovers, at))];
  const gone = new Set(revoked.map((r) => r.grantId));
  const count = countGrants(
    region,
    keyArn,
    listed.filter((g) => !gone.has(g.grantId)),
    at,
  );
  const recorded = await recordGrantCount({ ...count, ...(kept.length > 0 && { kept: kept.length }) });
  publishGauges(region, count.total, quota);
  const findings = grantFindings(count, quota, share);
  const day = at.slice(0, 10);
  for (const f of findings) {
    logger.warn('the AMI key holds many grants', { ...f });
    // One announcement per Region, finding and account a day: a retried run announces nothing twice.
    await announce(
      announcement('key-grants-high', {}, f, { at, key: `KEYGRANTS#${region}#${f.finding}#${f.account ?? ''}#${day}` }),
    );
  }
  return {
    region,
    total: count.total,
    accounts: count.accounts,
    recorded,
    ...(why !== undefined && { listed: why }),
    revoked,
    ...(kept.length > 0 && { kept }),
    findings,
  };
}

/**
 * The daily count of the AMI key's grants, per Region (listed only when `countDue` says why: otherwise the held count
 * stands and its gauges are published again), at most {@link REGIONS_AT_ONCE} Regions at once: every grant
 * listed, the member baseline's grants of accounts the key no longer serves (the ledger's copy of the organization
 * finds them, Organizations and the member baseline's StackSet confirm them) revoked and announced, the rest counted
 * in total and per account, kept in the ledger (read back), published as metrics, and announced past 80 % of the
 * quota or the catalog's share for one account. One Region's failure stops no other.
 */
export async function countKeyGrants(
  catalog: Catalog,
  homeKeyArn: string,
  regions: readonly string[],
  now: Date,
): Promise<KeyGrantsRun> {
  // The held organization's `STATE` item (one GetItem) says whether a tree is held and when it last changed; the tree
  // itself (the whole partition, several 1 MB pages in a large organization) is read once, by the first Region listed.
  const state = await readHeldOrganizationState();
  const held = state ? [state] : [];
  const stateOnly = treeFromHeldItems(held);
  const changedAt = heldState(held)?.changedAt;
  const run: KeyGrantsRun = { regions: [] };
  if (!stateOnly) run.sweepSkipped = 'the ledger holds no organization yet (organization-sync has not read it)';
  const heldTree = readOnce(async (_: 'tree') => treeFromHeldItems(await readHeldOrganizationItems()));
  const tree = (): Promise<OrgTree | undefined> => (stateOnly ? heldTree('tree') : Promise.resolve(undefined));
  const asked = new Map<string, Promise<AccountWord['organization']>>();
  const organizationWord: OrganizationWord = (account) => {
    let word = asked.get(account);
    if (!word) {
      word = accountPathNow(account, stateOnly?.organizationArn ?? '');
      // A failed read is asked again by the next Region rather than failing it too.
      word.catch(() => asked.delete(account));
      asked.set(account, word);
    }
    return word;
  };
  // Every Region's held count in one read; were it to fail, each Region fails with it, as its own read would have.
  const heldCounts = readGrantCounts(regions);
  heldCounts.catch(() => undefined);
  run.regions = await mapWithConcurrency(regions, REGIONS_AT_ONCE, async (region) => {
    try {
      return await countRegion(catalog, homeKeyArn, region, tree, now, organizationWord, changedAt, heldCounts);
    } catch (error) {
      logger.error('counting the AMI key grants of a Region failed', { region, error });
      return {
        region,
        revoked: [],
        findings: [],
        failure: `${region}: ${messageOf(error)}`,
        transient: isTransient(error),
      };
    }
  });
  return run;
}
