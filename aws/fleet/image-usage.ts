import {
  CreateImageUsageReportCommand,
  DescribeImageUsageReportsCommand,
  type ImageUsageReport,
  paginateDescribeImageUsageReportEntries,
  paginateDescribeImageUsageReports,
} from '@aws-sdk/client-ec2';
import type { UsageEntry } from '../../core/fleet/usage.js';
import { ec2Client } from '../clients/ec2.js';

/**
 * EC2's image usage reports, asked for by the AMI's owner: asynchronous (`pending`, then `available` or `error`),
 * kept 30 days, entries per account and resource type
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateImageUsageReport.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImageUsageReports.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImageUsageReportEntries.html).
 */

const errorName = (err: unknown): string => (err instanceof Error ? err.name : '');

/** What Goldsmith asks every report to count (see requestUsageReport). */
const RESOURCE_TYPES = [
  { ResourceType: 'ec2:Instance' },
  { ResourceType: 'ec2:LaunchTemplate', ResourceTypeOptions: [{ OptionName: 'version-depth', OptionValues: ['1'] }] },
];

/**
 * A report asked for, or why none could be: EC2 keeps at most one report in progress per AMI and 2,000 per account
 * and Region ("Report quotas", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/your-ec2-ami-usage.html).
 */
export type ReportRequest = { reportId: string; adopted?: true } | { refused: string };

/** A pending report that counts what Goldsmith's own would: both resource types, depth 1, every account. */
function countsLikeOurs(r: ImageUsageReport): boolean {
  const types = r.ResourceTypes ?? [];
  const depth = types
    .find((t) => t.ResourceType === 'ec2:LaunchTemplate')
    ?.ResourceTypeOptions?.find((o) => o.OptionName === 'version-depth')?.OptionValues?.[0];
  return types.some((t) => t.ResourceType === 'ec2:Instance') && depth === '1' && (r.AccountIds ?? []).length === 0;
}

/** The AMI's reports in progress (every page). */
async function pendingReportsOf(region: string, imageId: string): Promise<ImageUsageReport[]> {
  const found: ImageUsageReport[] = [];
  const pages = paginateDescribeImageUsageReports(
    { client: ec2Client(region) },
    { ImageIds: [imageId], Filters: [{ Name: 'state', Values: ['pending'] }] },
  );
  for await (const page of pages) found.push(...(page.ImageUsageReports ?? []));
  return found;
}

/**
 * Asks for a report on instances and launch templates in every sharing account. Launch templates are checked at
 * `version-depth` 1, their newest version only: a team that moved its template to a newer AMI keeps the old one in
 * its history, and at the default depth (20) that history would hold every old AMI "in use" for 20 moves.
 *
 * A refusal for a quota (`ResourceLimitExceeded`; the quota page names no code, this is EC2's common one,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html) never fails the pass: a report of
 * Goldsmith's own already in progress on the AMI (one asked for on an earlier attempt whose id the ledger never
 * recorded, under another day's client token) is adopted; anyone else's report in progress, or the account's
 * Region-wide quota, leaves the AMI to the next pass, saying why.
 */
export async function requestUsageReport(region: string, imageId: string, clientToken: string): Promise<ReportRequest> {
  let out: { ReportId?: string | undefined };
  try {
    out = await ec2Client(region).send(
      new CreateImageUsageReportCommand({ ImageId: imageId, ResourceTypes: RESOURCE_TYPES, ClientToken: clientToken }),
    );
  } catch (err) {
    if (errorName(err) !== 'ResourceLimitExceeded') throw err;
    const pending = await pendingReportsOf(region, imageId);
    const ours = pending.find((r) => r.ReportId && countsLikeOurs(r));
    if (ours?.ReportId) return { reportId: ours.ReportId, adopted: true };
    return {
      refused:
        pending.length > 0
          ? `another report on ${imageId} is in progress (${pending.map((r) => r.ReportId).join(', ')}), and EC2 keeps one per AMI`
          : `EC2 refused a report on ${imageId} in ${region}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (!out.ReportId) throw new Error(`CreateImageUsageReport returned no ReportId for ${imageId} in ${region}`);
  return { reportId: out.ReportId };
}

export type ReportRead =
  | { state: 'pending' }
  | { state: 'available'; entries: UsageEntry[] }
  | { state: 'error' | 'gone'; reason: string };

/** Reads one report: its state, and its entries (every page) once available. */
export async function readUsageReport(region: string, reportId: string): Promise<ReportRead> {
  const ec2 = ec2Client(region);
  let state: string | undefined;
  let reason: string | undefined;
  try {
    const out = await ec2.send(new DescribeImageUsageReportsCommand({ ReportIds: [reportId] }));
    state = out.ImageUsageReports?.[0]?.State;
    reason = out.ImageUsageReports?.[0]?.StateReason;
  } catch (err) {
    if (errorName(err).startsWith('InvalidImageUsageReportId')) return { state: 'gone', reason: errorName(err) };
    throw err;
  }
  if (state === 'pending') return { state: 'pending' };
  if (state !== 'available') return { state: state === 'error' ? 'error' : 'gone', reason: reason ?? String(state) };
  const entries: UsageEntry[] = [];
  for await (const page of paginateDescribeImageUsageReportEntries({ client: ec2 }, { ReportIds: [reportId] })) {
    entries.push(...(page.ImageUsageReportEntries ?? []));
  }
  return { state: 'available', entries };
}

/** Report ids asked about per call (DescribeImageUsageReports takes at most 200 ImageIds; ids are held to the same). */
const REPORTS_PER_CALL = 200;

/**
 * Reads several reports of one Region at once: their states in one DescribeImageUsageReports call and the entries of
 * those available in one paginated DescribeImageUsageReportEntries (each entry names its `ReportId`), per 200 ids —
 * two calls for a whole image's Region instead of two per report. A batch naming a report EC2 no longer has
 * (`InvalidImageUsageReportId.NotFound` refuses the whole call) is read report by report instead.
 */
export async function readUsageReports(region: string, reportIds: readonly string[]): Promise<Map<string, ReportRead>> {
  const ec2 = ec2Client(region);
  const reads = new Map<string, ReportRead>();
  for (let i = 0; i < reportIds.length; i += REPORTS_PER_CALL) {
    const ids = [...new Set(reportIds.slice(i, i + REPORTS_PER_CALL))];
    let reports: { ReportId?: string | undefined; State?: string | undefined; StateReason?: string | undefined }[];
    try {
      reports = (await ec2.send(new DescribeImageUsageReportsCommand({ ReportIds: ids }))).ImageUsageReports ?? [];
    } catch (err) {
      if (!errorName(err).startsWith('InvalidImageUsageReportId')) throw err;
      for (const id of ids) reads.set(id, await readUsageReport(region, id));
      continue;
    }
    const available: string[] = [];
    for (const id of ids) {
      const r = reports.find((x) => x.ReportId === id);
      if (!r) reads.set(id, { state: 'gone', reason: 'not listed' });
      else if (r.State === 'pending') reads.set(id, { state: 'pending' });
      else if (r.State === 'available') available.push(id);
      else reads.set(id, { state: r.State === 'error' ? 'error' : 'gone', reason: r.StateReason ?? String(r.State) });
    }
    if (available.length === 0) continue;
    const entries = new Map<string, UsageEntry[]>(available.map((id) => [id, []]));
    for await (const page of paginateDescribeImageUsageReportEntries({ client: ec2 }, { ReportIds: available })) {
      for (const e of page.ImageUsageReportEntries ?? []) if (e.ReportId) entries.get(e.ReportId)?.push(e);
    }
    for (const [id, list] of entries) reads.set(id, { state: 'available', entries: list });
  }
  return reads;
}
