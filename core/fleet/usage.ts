/**
 * Who uses an AMI, as EC2's image usage reports count it (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImageUsageReportEntry.html):
 * per account, how many instances and launch templates reference it. Pure: the ledger's `USAGE#` items hold these.
 */

/** One account's use of one AMI. */
export interface AccountUse {
  instances: number;
  launchTemplates: number;
}

/** What one completed report said about one AMI. */
export interface UsageObservation {
  observedAt: string;
  /** Account id → its use (accounts with none are left out). */
  accounts: Record<string, AccountUse>;
  instances: number;
  launchTemplates: number;
}

/** A report entry as DescribeImageUsageReportEntries returns it. */
export interface UsageEntry {
  AccountId?: string | undefined;
  ResourceType?: string | undefined;
  UsageCount?: number | undefined;
}

/** Sums a report's entries per account; entries of other resource types (Image Builder recipes) are not use by a fleet. */
export function usageFromEntries(entries: readonly UsageEntry[], observedAt: string): UsageObservation {
  const accounts: Record<string, AccountUse> = {};
  let instances = 0;
  let launchTemplates = 0;
  for (const e of entries) {
    if (!e.AccountId || !e.UsageCount) continue;
    const use = accounts[e.AccountId] ?? { instances: 0, launchTemplates: 0 };
    if (e.ResourceType === 'ec2:Instance') {
      use.instances += e.UsageCount;
      instances += e.UsageCount;
    } else if (e.ResourceType === 'ec2:LaunchTemplate') {
      use.launchTemplates += e.UsageCount;
      launchTemplates += e.UsageCount;
    } else continue;
    accounts[e.AccountId] = use;
  }
  return { observedAt, accounts, instances, launchTemplates };
}

/** Whether an observation shows any instance or launch template on the AMI. */
export function inUse(o: Pick<UsageObservation, 'instances' | 'launchTemplates'> | undefined): boolean {
  return o !== undefined && (o.instances > 0 || o.launchTemplates > 0);
}

/** How old an observation may be before a new report is asked for: a daily schedule, with room for its jitter. */
export const USAGE_REFRESH_SECONDS = 20 * 3600;

/** The same for an AMI whose answer can wait: a weekly schedule, with the same room. */
export const USAGE_IDLE_REFRESH_SECONDS = 7 * 86_400 - 4 * 3600;

/** How long after a version's promotion its AMIs are asked about daily whatever they showed (teams adopting it). */
export const USAGE_ADOPTION_SECONDS = 7 * 86_400;

/** How long before retention may delete a version its AMIs are asked about daily (a deletion reads a fresh answer). */
export const USAGE_BEFORE_DELETION_SECONDS = 2 * 86_400;

/** What decides how often a version's AMIs are asked about (the daily sweep's usage pass). */
export interface UsageCadenceInput {
  now: string;
  /** Whether the version's last observation in this AMI's Region showed an instance or a launch template. */
  versionInUse: boolean;
  /** Whether any version of the image showed use in its last observation (the image has a fleet to follow). */
  imageInUse: boolean;
  /** Whether a channel's pointer names the version. */
  pointed: boolean;
  /** Its latest promotion. */
  promotedAt?: string | undefined;
  /** When retention may delete it: its retirement plus `deleteAfter` (absent while kept). */
  deletableAt?: string | undefined;
}

/**
 * How old the last report on a version's AMI in one Region may be before another is asked for. Daily where a
 * decision or a view reads a day-old answer: the version is in use in that Region (who still runs it: holds,
 * compliance, the fleet view), a channel names it and the image has a fleet (adoption of the patch), it was
 * promoted in the last week (teams moving to it), or retention may delete it within two days (a deletion is held on
 * a fresh answer). Weekly otherwise: an image nobody runs, or a version nobody runs there that no channel names, is
 * asked about once a week, so an account that starts on it shows within a week.
 */
export function usageRefreshSeconds(v: UsageCadenceInput): number {
  const now = Date.parse(v.now);
  const since = (at: string | undefined) =>
    at === undefined ? Number.POSITIVE_INFINITY : (now - Date.parse(at)) / 1000;
  const until = (at: string | undefined) =>
    at === undefined ? Number.POSITIVE_INFINITY : (Date.parse(at) - now) / 1000;
  const daily =
    v.versionInUse ||
    (v.pointed && v.imageInUse) ||
    since(v.promotedAt) < USAGE_ADOPTION_SECONDS ||
    until(v.deletableAt) <= USAGE_BEFORE_DELETION_SECONDS;
  return daily ? USAGE_REFRESH_SECONDS : USAGE_IDLE_REFRESH_SECONDS;
}

/**
 * Whether to ask EC2 for a new report on an AMI: none is pending and the report behind the last observation (if
 * any) was asked for at least `refreshSeconds` ago (`usageRefreshSeconds`; daily by default). Measured from the
 * request, not from the reading: a report read by today's sweep was asked for by yesterday's, so each sweep asks
 * again and the samples stay a day apart.
 */
export function needsReport(
  item:
    | { reportId?: string | undefined; observedAt?: string | undefined; lastRequestedAt?: string | undefined }
    | undefined,
  now: string,
  refreshSeconds: number = USAGE_REFRESH_SECONDS,
): boolean {
  if (item?.reportId) return false;
  const last = item?.lastRequestedAt ?? item?.observedAt;
  if (!last) return true;
  return (Date.parse(now) - Date.parse(last)) / 1000 >= refreshSeconds;
}

/** The client token of one day's report on one AMI (ClientToken: at most 64 ASCII characters). */
export function usageReportToken(imageId: string, now: string): string {
  return `goldsmith-usage-${imageId}-${now.slice(0, 10)}`;
}

/** A usage item's last observation, as the ledger holds it (absent before its first report was read). */
export interface HeldReading {
  observedAt?: string | undefined;
  accounts?: Record<string, AccountUse> | undefined;
  instances?: number | undefined;
  launchTemplates?: number | undefined;
}

/**
 * Whether a report says what the item's last observation already holds: the same instances and launch templates
 * in all, and per account. An item with no observation yet holds nothing to compare with.
 */
export function sameReading(held: HeldReading, observation: UsageObservation): boolean {
  if (!held.observedAt) return false;
  if ((held.instances ?? 0) !== observation.instances || (held.launchTemplates ?? 0) !== observation.launchTemplates) {
    return false;
  }
  const before = Object.entries(held.accounts ?? {});
  if (before.length !== Object.keys(observation.accounts).length) return false;
  return before.every(([account, use]) => {
    const now = observation.accounts[account];
    return now !== undefined && now.instances === use.instances && now.launchTemplates === use.launchTemplates;
  });
}

/** One account's use of a version in one Region, as its last observation saw it. */
export interface AccountRegionUse extends AccountUse {
  account: string;
  region: string;
  observedAt: string;
}

/**
 * Who runs a version, per account and Region, from the version's last observations (the `USAGE#` items of each of
 * its Regions): accounts with no instance and no launch template on it are left out; sorted by account, then Region.
 */
export function usersOfVersion(
  observations: readonly {
    region: string;
    observedAt?: string | undefined;
    accounts?: Record<string, AccountUse> | undefined;
  }[],
): AccountRegionUse[] {
  const users: AccountRegionUse[] = [];
  for (const o of observations) {
    if (!o.observedAt) continue;
    for (const [account, use] of Object.entries(o.accounts ?? {})) {
      if (use.instances > 0 || use.launchTemplates > 0) {
        users.push({ account, region: o.region, observedAt: o.observedAt, ...use });
      }
    }
  }
  return users.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
}

/**
 * How many accounts a ledger attribute names: a hold's `accounts` is the list of account ids the sweep last saw
 * (aws/fleet/usage-ledger.ts); a number is taken as the count itself.
 */
export function accountCount(v: unknown): number {
  if (Array.isArray(v) || v instanceof Set) return new Set(v).size;
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
