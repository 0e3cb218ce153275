import { type ReportRead, readUsageReports, requestUsageReport } from '../../aws/fleet/image-usage.js';
import { listPendingUsageReports, listUsage, type UsageItem } from '../../aws/fleet/usage-ledger.js';
import { UsageWrites, usageObserved, usageRequestCleared, usageRequested } from '../../aws/fleet/usage-writes.js';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import {
  inUse,
  needsReport,
  sameReading,
  USAGE_REFRESH_SECONDS,
  type UsageObservation,
  usageFromEntries,
  usageReportToken,
  usersOfVersion,
} from '../../core/fleet/usage.js';
import type { BuildHistory } from '../../core/lifecycle/retention.js';
import type { RegionAmi } from '../../core/promotion/types.js';
import { logger } from '../lib/powertools.js';
import { revocationKeyOf } from './revoke-mark.js';
import { tellUsers } from './revoked-users.js';
import { cadenceOf, type UsageCadence } from './usage-cadence.js';

/** Who still uses each version, from the ledger's latest observation per Region. */
export interface VersionUse {
  accounts: string[];
  instances: number;
  launchTemplates: number;
}

/** Version → its users, for the versions whose latest observation (in any Region) shows use. */
export function versionsInUse(items: readonly UsageItem[]): Map<string, VersionUse> {
  const used = new Map<string, VersionUse>();
  for (const item of items) {
    if (!item.observedAt || !inUse({ instances: item.instances ?? 0, launchTemplates: item.launchTemplates ?? 0 }))
      continue;
    const use = used.get(item.version) ?? { accounts: [], instances: 0, launchTemplates: 0 };
    const accounts = new Set([...use.accounts, ...Object.keys(item.accounts ?? {})]);
    used.set(item.version, {
      accounts: [...accounts].sort(),
      instances: use.instances + (item.instances ?? 0),
      launchTemplates: use.launchTemplates + (item.launchTemplates ?? 0),
    });
  }
  return used;
}

/** Tells the accounts a report on a revoked version shows (`fleet-on-revoked`; those told before are not told again). */
async function tellLateUsers(image: string, item: UsageItem, observation: UsageObservation, revokedAt: string) {
  const users = usersOfVersion([{ region: item.region, ...observation }]);
  if (users.length === 0) return;
  const revocation = await getRevocation(image, item.version);
  const reason = revocation?.reason ?? `revoked at ${revokedAt}`;
  await tellUsers({ image, version: item.version, reason }, users, observation.observedAt, revocationKeyOf(revocation));
}

/**
 * Asks EC2 for a report on one AMI: the report's id, or undefined when EC2's quotas leave it to the next pass (logged
 * with the reason, and the AMI added to `refused` so the pass does not ask again; aws/fleet/image-usage.ts). A report of Goldsmith's own already in progress is adopted, so an id the
 * ledger lost (a write that failed after EC2 took the request) holds up nothing.
 */
async function askForReport(
  image: string,
  region: string,
  imageId: string,
  at: string,
  refused: Set<string>,
): Promise<string | undefined> {
  const asked = await requestUsageReport(region, imageId, usageReportToken(imageId, at));
  if ('refused' in asked) {
    refused.add(imageId);
    logger.warn('image usage report not asked for; asked on the next pass', { image, region, reason: asked.refused });
    return undefined;
  }
  if (asked.adopted) logger.info('image usage report in progress adopted', { image, region, reportId: asked.reportId });
  return asked.reportId;
}

/**
 * Reads reports of several Regions, per Region at once (`readUsageReports`: two calls per Region and 200 reports,
 * whatever the number of images). With `isolate`, a Region whose reads fail (after the client's retries) leaves its
 * reports pending for the next pass and holds up no other Region.
 */
async function readReports(
  pending: readonly { region: string; reportId: string }[],
  isolate: boolean,
): Promise<Map<string, ReportRead>> {
  const asked = new Map<string, string[]>();
  for (const p of pending) asked.set(p.region, [...(asked.get(p.region) ?? []), p.reportId]);
  const reads = new Map<string, ReportRead>();
  for (const [region, ids] of [...asked].sort(([a], [b]) => a.localeCompare(b))) {
    try {
      for (const [id, read] of await readUsageReports(region, ids)) reads.set(id, read);
    } catch (err) {
      if (!isolate) throw err;
      logger.warn('image usage reports not read in a Region; read on the next pass', { region, error: err });
      for (const id of ids) reads.set(id, { state: 'pending' });
    }
  }
  return reads;
}

/**
 * Every report asked for and not yet read, of every image, read before the sweep's per-image passes: the pending
 * reports from the ledger's open-work index (one Query), then per Region at once. A report the index does not list
 * yet (it is eventually consistent) stays pending for the next pass.
 */
export async function readPendingReports(): Promise<ReadonlyMap<string, ReportRead>> {
  return readReports(await listPendingUsageReports(), true);
}

/**
 * Applies a reading to the pass's item at once, as its write will record it, so the next AMIs' periods count it
 * (`cadenceOf`: a version in use makes its image's pointed versions daily), as they did when each write was sent
 * before the next AMI was looked at. @returns what puts the item back, should the write not take effect (its report
 * recorded by a concurrent pass).
 */
function observeNow(pass: ReturnType<typeof cadenceOf>, item: UsageItem, change: () => void): () => void {
  const { observedAt, accounts, instances, launchTemplates, lastRequestedAt, reportId, requestedAt } = item;
  pass.observe(item, change);
  return () =>
    pass.observe(item, () =>
      Object.assign(item, {
        observedAt,
        accounts,
        instances,
        launchTemplates,
        lastRequestedAt,
        reportId,
        requestedAt,
      }),
    );
}

/**
 * One image's usage pass (the daily sweep, before it retires or deletes anything): reads the reports asked for on
 * an earlier pass and records what they say, then asks for a new report on every AMI of every promoted, not yet
 * deleted and not revoked version whose last observation is a day old. A revoked version's AMIs are shared with
 * nobody, so a report would show nobody: its last observation, made while it was shared, stands. Reports are
 * asynchronous, so what is asked for now is read on the next pass. A report read when no next one is due (a second
 * pass the same day, or a version asked about weekly) is recorded only if its reading differs from the item's last
 * observation; one that says the same stays pending until the pass that asks the next report records both in one
 * write. `read` is what the sweep read: the image's usage
 * items (from its partition) and every pending report (`readPendingReports`); without it, both are read here. With
 * `cadence`, a version nobody runs is asked about weekly rather than daily (core `usageRefreshSeconds`).
 */
export async function refreshUsage(
  image: string,
  builds: readonly BuildHistory[],
  amisOf: (version: string) => Promise<RegionAmi[]>,
  now: Date,
  read?: { items: readonly UsageItem[]; reports: ReadonlyMap<string, ReportRead> },
  cadence?: UsageCadence,
): Promise<UsageItem[]> {
  const at = now.toISOString();
  const items = [...(read?.items ?? (await listUsage(image)))];
  const pending = items.flatMap((i) => (i.reportId ? [{ region: i.region, reportId: i.reportId }] : []));
  const reads = read?.reports ?? (await readReports(pending, false));
  const byKey = new Map(items.map((i) => [`${i.version}#${i.region}`, i]));
  const pass = cadenceOf(builds, items, at, cadence);
  /** AMIs EC2's quotas kept from a report in this pass: not asked about twice. */
  const refused = new Set<string>();
  // Each step's writes go together (aws/fleet/usage-writes.ts): an image's reports read and asked for in one or two
  // requests, not one per AMI.
  const writes = new UsageWrites();
  for (const item of items) {
    const reportId = item.reportId;
    if (!reportId) continue;
    // Not read yet (the sweep's read came before the index listed it): pending, read on the next pass.
    const read = reads.get(reportId) ?? { state: 'pending' as const };
    if (read.state === 'pending') continue;
    if (read.state === 'available') {
      const observation = usageFromEntries(read.entries, at);
      const build = builds.find((b) => b.version === item.version);
      const reportable = build && !build.deletedAt && !build.revokedAt && build.promotions.length > 0;
      // A report read and the next one due: asked for now, and both recorded in one write.
      const refresh = inUse(observation) ? USAGE_REFRESH_SECONDS : pass.refreshFor(item.version, item.region);
      const asked =
        reportable && needsReport({ lastRequestedAt: item.requestedAt }, at, refresh)
          ? await askForReport(image, item.region, item.imageId, at, refused)
          : undefined;
      if (asked !== undefined) {
        const write = usageObserved(item, reportId, observation, { reportId: asked, at });
        const undo = observeNow(pass, item, () =>
          Object.assign(item, observation, { lastRequestedAt: item.requestedAt, reportId: asked, requestedAt: at }),
        );
        writes.add(write, (recorded) => recorded || undo());
        continue;
      }
      // Nothing asked in this pass (the next report is not due yet, or EC2's quotas kept it): a reading the item already
      // holds stays pending, read again by the pass that asks the next report and recorded with it in that one write.
      // A changed reading is recorded now, and so is the last reading of a version no later pass asks about. EC2 keeps
      // a report 30 days after it was created, past a week's wait
      // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImageUsageReport.html, expirationTime).
      if (reportable && sameReading(item, observation)) continue;
      const write = usageObserved(item, reportId, observation);
      const undo = observeNow(pass, item, () =>
        Object.assign(item, observation, { lastRequestedAt: item.requestedAt, reportId: undefined }),
      );
      writes.add(write, async (recorded) => {
        if (!recorded) return undo();
        // A report asked for before a revocation, read after it: its accounts are told too (each once).
        const revokedAt = builds.find((b) => b.version === item.version)?.revokedAt;
        if (revokedAt) await tellLateUsers(image, item, observation, revokedAt);
      });
    } else {
      logger.warn('image usage report not usable; asking again', { image, item: item.sk, reason: read.reason });
      writes.add(usageRequestCleared(item, reportId, read.reason), (recorded) => {
        if (recorded) item.reportId = undefined;
      });
    }
  }
  // Recorded before the AMIs still without a report are asked about: a report cleared above is asked for again.
  await writes.flush();
  for (const b of builds) {
    if (b.deletedAt || b.revokedAt || b.promotions.length === 0) continue;
    for (const ami of await amisOf(b.version)) {
      const item = byKey.get(`${b.version}#${ami.region}`);
      if (refused.has(ami.imageId) || !needsReport(item, at, pass.refreshFor(b.version, ami.region))) continue;
      const reportId = await askForReport(image, ami.region, ami.imageId, at, refused);
      if (reportId === undefined) continue;
      const u = { image, version: b.version, region: ami.region, imageId: ami.imageId };
      writes.add(usageRequested(u, reportId, at), (recorded) => {
        if (!recorded || item) return;
        const added = { sk: `USAGE#${b.version}#${ami.region}`, ...u, reportId, requestedAt: at };
        items.push(added);
        pass.add(added);
      });
    }
  }
  await writes.flush();
  return items;
}
