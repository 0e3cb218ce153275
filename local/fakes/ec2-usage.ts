import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { asArray, errorFactory, IdMaker, paginate } from './common.js';
import type { FleetState } from './ec2-fleet.js';
import { type OrgModel, permits } from './ec2-permissions.js';
import type { AmiRecord } from './ec2-records.js';

const err = errorFactory(EC2ServiceException);

/**
 * EC2's image usage reports, as the API reference documents them:
 * - CreateImageUsageReport (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateImageUsageReport.html):
 *   an image the caller owns, one or more resource types (`ec2:Instance`, `ec2:LaunchTemplate`, and the Image
 *   Builder recipes, which no member account of the local cloud has), at most 200 account ids (none: every account),
 *   a client token for idempotency; `version-depth` (1–10000, default 20) only for launch templates
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImageUsageResourceTypeOptionRequest.html).
 * - The report is asynchronous: `pending`, then `available` (or `error` with a reason), and EC2 deletes it 30 days
 *   after it was created (`ExpirationTime`, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImageUsageReport.html).
 * - DescribeImageUsageReportEntries: one entry per account and resource type with its usage count
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImageUsageReportEntry.html); filters account-id,
 *   resource-type, creation-time; ImageIds at most 200.
 * - Only the accounts the image is shared with are reported (the reports show use "across other AWS accounts" an
 *   image is shared with): an account whose launch permission was withdrawn drops out of later reports.
 * - Quotas per Region: 2,000 in-progress (`pending`) reports per account, and 1 per AMI
 *   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/your-ec2-ami-usage.html, "Report quotas"). The page names no
 *   error code: the fake refuses with EC2's common `ResourceLimitExceeded`
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). A repeated client token returns
 *   the report it made before the quotas are looked at, as idempotency asks.
 * AWS does not document how long a report takes; the fake completes one `REPORT_MINUTES` after it was asked for.
 * MaxResults is taken as 1–1000, like DescribeImages.
 */
export const REPORT_MINUTES = 15;
/** In-progress reports per account and Region (the "Report quotas" above). */
export const PENDING_REPORTS_PER_ACCOUNT = 2_000;
const RETENTION_MS = 30 * 86_400_000;
const RESOURCE_TYPES = [
  'ec2:Instance',
  'ec2:LaunchTemplate',
  'imagebuilder:ImageRecipe',
  'imagebuilder:ContainerRecipe',
];
const ACCOUNT_ID = /^\d{12}$/;

interface Entry {
  readonly accountId: string;
  readonly resourceType: string;
  readonly usageCount: number;
}

interface Report {
  readonly reportId: string;
  readonly imageId: string;
  readonly region: string;
  readonly resourceTypes: { ResourceType: string; ResourceTypeOptions?: unknown[] }[];
  readonly accountIds: string[];
  readonly createdAt: number;
  state: 'pending' | 'available' | 'error';
  stateReason: string | undefined;
  entries: Entry[];
}

/** What the reports read from the rest of the EC2 fake and the simulator. */
export interface UsageContext {
  readonly accountId: string;
  readonly now: () => number;
  readonly image: (imageId: string) => AmiRecord | undefined;
  /** The member accounts' resources; none until a scenario runs fleets. */
  fleet: FleetState | undefined;
  /** The organization, to resolve OU and organization launch permissions. */
  org: OrgModel | undefined;
}

export class ImageUsageReports {
  private readonly reports = new Map<string, Report>();
  /** The same reports per Region, in creation order: every call but the deletion names one Region. */
  private readonly byRegion = new Map<string, Map<string, Report>>();
  /** Reports not yet complete, oldest first. */
  private pending: Report[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly ids = new IdMaker();
  /** Reports asked for and entries they held, per Region and UTC day (what a reader needs at the least). */
  private readonly batches = new Map<string, { reports: number; entries: number }>();

  constructor(private readonly ctx: UsageContext) {}

  /**
   * The fewest reads of the reports asked for so far, by a reader that reads each Region's reports of a day
   * together on a later pass: per Region and day, one DescribeImageUsageReports per 200 report ids and one
   * DescribeImageUsageReportEntries per 1,000 entries (at least one per 200 ids), the calls' own bounds.
   */
  minimumReads(): { reports: number; entries: number } {
    let reports = 0;
    let entries = 0;
    for (const b of this.batches.values()) {
      const calls = Math.ceil(b.reports / 200);
      reports += calls;
      entries += Math.max(calls, Math.ceil(b.entries / 1000));
    }
    return { reports, entries };
  }

  private batch(r: Report) {
    const key = `${r.region}\n${new Date(r.createdAt).toISOString().slice(0, 10)}`;
    const b = this.batches.get(key) ?? { reports: 0, entries: 0 };
    this.batches.set(key, b);
    return b;
  }

  handle(action: string, input: Record<string, unknown>, region: string): unknown {
    this.settle();
    switch (action) {
      case 'CreateImageUsageReport':
        return this.create(input, region);
      case 'DescribeImageUsageReports':
        return this.describe(input, region);
      case 'DescribeImageUsageReportEntries':
        return this.entries(input, region);
      default: {
        const id = String(input.ReportId ?? '');
        const report = this.reports.get(id);
        if (!report || report.region !== region)
          throw err('InvalidImageUsageReportId.NotFound', `The report ID '${id}' does not exist`);
        this.forget(report);
        return { Return: true };
      }
    }
  }

  private create(input: Record<string, unknown>, region: string): unknown {
    const token = typeof input.ClientToken === 'string' ? `${region}/${input.ClientToken}` : undefined;
    const seen = token ? this.tokens.get(token) : undefined;
    if (seen) return { ReportId: seen };
    const imageId = String(input.ImageId ?? '');
    if (!imageId) throw err('MissingParameter', 'The request must contain the parameter ImageId');
    const ami = this.ctx.image(imageId);
    if (!ami || ami.region !== region) throw err('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
    if (ami.ownerId !== this.ctx.accountId)
      throw err('UnauthorizedOperation', `You can create usage reports only for images you own (${imageId}).`);
    const types = asArray<{
      ResourceType?: string;
      ResourceTypeOptions?: { OptionName?: string; OptionValues?: string[] }[];
    }>(input.ResourceTypes);
    if (types.length === 0) throw err('MissingParameter', 'The request must contain the parameter ResourceTypes');
    for (const t of types) {
      if (!t.ResourceType || !RESOURCE_TYPES.includes(t.ResourceType))
        throw err('InvalidParameterValue', `Value (${String(t.ResourceType)}) for parameter ResourceType is invalid.`);
      for (const o of t.ResourceTypeOptions ?? []) {
        if (t.ResourceType !== 'ec2:LaunchTemplate' || o.OptionName !== 'version-depth')
          throw err('InvalidParameterValue', `Option ${String(o.OptionName)} is not valid for ${t.ResourceType}.`);
        const depth = Number(o.OptionValues?.[0]);
        if (o.OptionValues?.length !== 1 || !Number.isInteger(depth) || depth < 1 || depth > 10_000)
          throw err('InvalidParameterValue', 'version-depth must be one integer between 1 and 10000.');
      }
    }
    const accountIds = asArray<string>(input.AccountIds);
    if (accountIds.length > 200) throw err('InvalidParameterValue', 'AccountIds can have at most 200 items.');
    for (const a of accountIds)
      if (!ACCOUNT_ID.test(a)) throw err('InvalidParameterValue', `Invalid account id: "${a}"`);
    const inProgress = this.pending.filter((r) => r.region === region && this.reports.has(r.reportId));
    if (inProgress.some((r) => r.imageId === imageId))
      throw err(
        'ResourceLimitExceeded',
        `You have reached the limit of 1 in-progress AMI usage report for image ${imageId}. Wait for it to complete.`,
      );
    if (inProgress.length >= PENDING_REPORTS_PER_ACCOUNT)
      throw err(
        'ResourceLimitExceeded',
        `You have reached the limit of ${PENDING_REPORTS_PER_ACCOUNT} in-progress AMI usage reports in ${region}.`,
      );
    const report: Report = {
      reportId: this.ids.next('amiur'),
      imageId,
      region,
      resourceTypes: types.map((t) => ({
        ResourceType: t.ResourceType as string,
        ...(t.ResourceTypeOptions ? { ResourceTypeOptions: t.ResourceTypeOptions } : {}),
      })),
      accountIds,
      createdAt: this.ctx.now(),
      state: 'pending',
      stateReason: undefined,
      entries: [],
    };
    this.reports.set(report.reportId, report);
    const ofRegion = this.byRegion.get(region) ?? new Map<string, Report>();
    this.byRegion.set(region, ofRegion.set(report.reportId, report));
    this.pending.push(report);
    this.batch(report).reports++;
    if (token) this.tokens.set(token, report.reportId);
    return { ReportId: report.reportId };
  }

  /**
   * Completes the reports whose time has come, counting what runs now: EC2 does it in the background, so the EC2
   * fake calls this before any call that could change what a report sees (a deregistration, a permission change) and
   * the fleets before they change an instance or a launch template.
   */
  completeDue(): void {
    const now = this.ctx.now();
    while (this.pending.length > 0 && now >= (this.pending[0]?.createdAt ?? 0) + REPORT_MINUTES * 60_000) {
      const r = this.pending.shift() as Report;
      if (!this.reports.has(r.reportId)) continue;
      const ami = this.ctx.image(r.imageId);
      if (!ami) {
        r.state = 'error';
        r.stateReason = `The image ${r.imageId} was deregistered before the report completed.`;
        continue;
      }
      r.entries = this.count(r, ami);
      r.state = 'available';
      this.batch(r).entries += r.entries.length;
    }
  }

  /** Completes what is due and forgets the reports EC2 deleted (30 days after their creation). */
  private settle(): void {
    this.completeDue();
    const now = this.ctx.now();
    // Reports are kept in the order they were created (the clock only moves forward), so the expired ones come first.
    for (const r of this.reports.values()) {
      if (now < r.createdAt + RETENTION_MS) break;
      this.forget(r);
    }
  }

  private forget(r: Report): void {
    this.reports.delete(r.reportId);
    this.byRegion.get(r.region)?.delete(r.reportId);
  }

  private count(r: Report, ami: AmiRecord): Entry[] {
    const fleet = this.ctx.fleet;
    if (!fleet) return [];
    const depthOption = r.resourceTypes
      .find((t) => t.ResourceType === 'ec2:LaunchTemplate')
      ?.ResourceTypeOptions?.map((o) => o as { OptionValues?: string[] })[0]?.OptionValues?.[0];
    const usage = fleet.usageOf(r.region, r.imageId, depthOption ? Number(depthOption) : 20);
    const wanted = new Set(r.resourceTypes.map((t) => t.ResourceType));
    const entries: Entry[] = [];
    for (const [accountId, u] of [...usage].sort(([a], [b]) => a.localeCompare(b))) {
      if (accountId === ami.ownerId) continue;
      if (r.accountIds.length > 0 && !r.accountIds.includes(accountId)) continue;
      if (!permits(ami.ownerId, ami.launchPermissions.values(), accountId, this.ctx.org)) continue;
      if (wanted.has('ec2:Instance') && u.instances > 0)
        entries.push({ accountId, resourceType: 'ec2:Instance', usageCount: u.instances });
      if (wanted.has('ec2:LaunchTemplate') && u.launchTemplates > 0)
        entries.push({ accountId, resourceType: 'ec2:LaunchTemplate', usageCount: u.launchTemplates });
    }
    return entries;
  }

  private selected(input: Record<string, unknown>, region: string): Report[] {
    const ids = asArray<string>(input.ReportIds);
    const images = asArray<string>(input.ImageIds);
    if (images.length > 200) throw err('InvalidParameterValue', 'ImageIds can have at most 200 items.');
    const max = input.MaxResults;
    if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 1000))
      throw err('InvalidParameterValue', 'MaxResults must be between 1 and 1000.');
    for (const id of ids) {
      const r = this.reports.get(id);
      if (!r || r.region !== region)
        throw err('InvalidImageUsageReportId.NotFound', `The report ID '${id}' does not exist`);
    }
    const idSet = new Set(ids);
    const imageSet = new Set(images);
    return [...(this.byRegion.get(region)?.values() ?? [])].filter(
      (r) => (idSet.size === 0 || idSet.has(r.reportId)) && (imageSet.size === 0 || imageSet.has(r.imageId)),
    );
  }

  private describe(input: Record<string, unknown>, region: string): unknown {
    let list = this.selected(input, region);
    for (const f of asArray<{ Name?: string; Values?: string[] }>(input.Filters)) {
      const values = f.Values ?? [];
      if (f.Name === 'state') list = list.filter((r) => values.includes(r.state));
      else if (f.Name === 'creation-time') list = list.filter((r) => timeMatches(r.createdAt, values));
      else throw err('InvalidParameterValue', `The filter '${String(f.Name)}' is invalid`);
    }
    const page = paginate(list, input.MaxResults, input.NextToken, {
      max: 1000,
      invalidToken: () => err('InvalidParameterValue', 'The NextToken is invalid'),
    });
    return {
      ImageUsageReports: page.items.map((r) => ({
        ImageId: r.imageId,
        ReportId: r.reportId,
        ResourceTypes: r.resourceTypes,
        ...(r.accountIds.length > 0 ? { AccountIds: r.accountIds } : {}),
        State: r.state,
        ...(r.stateReason ? { StateReason: r.stateReason } : {}),
        CreationTime: new Date(r.createdAt),
        ExpirationTime: new Date(r.createdAt + RETENTION_MS),
      })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  }

  private entries(input: Record<string, unknown>, region: string): unknown {
    const reports = this.selected(input, region).filter((r) => r.state === 'available');
    let list = reports.flatMap((r) => r.entries.map((e) => ({ r, e })));
    for (const f of asArray<{ Name?: string; Values?: string[] }>(input.Filters)) {
      const values = f.Values ?? [];
      if (f.Name === 'account-id') list = list.filter(({ e }) => values.includes(e.accountId));
      else if (f.Name === 'resource-type') list = list.filter(({ e }) => values.includes(e.resourceType));
      else if (f.Name === 'creation-time') list = list.filter(({ r }) => timeMatches(r.createdAt, values));
      else throw err('InvalidParameterValue', `The filter '${String(f.Name)}' is invalid`);
    }
    const page = paginate(list, input.MaxResults, input.NextToken, {
      max: 1000,
      invalidToken: () => err('InvalidParameterValue', 'The NextToken is invalid'),
    });
    return {
      ImageUsageReportEntries: page.items.map(({ r, e }) => ({
        ResourceType: e.resourceType,
        ReportId: r.reportId,
        UsageCount: e.usageCount,
        AccountId: e.accountId,
        ImageId: r.imageId,
        ReportCreationTime: new Date(r.createdAt),
      })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  }
}

/** The `creation-time` filter: an exact ISO time, or a prefix ending in `*` (e.g. `2025-11-29T*`, a whole day). */
function timeMatches(at: number, values: readonly string[]): boolean {
  const iso = new Date(at).toISOString();
  return values.some((v) => (v.endsWith('*') ? iso.startsWith(v.slice(0, -1)) : iso === v));
}
