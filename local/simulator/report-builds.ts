import type { LocalCloud } from './cloud.js';
import { type Item, str } from './report-ledger.js';

/** One build in the `simulate --json` report (report.ts). */
export interface ReportBuild {
  image: string;
  version: string;
  trigger: string;
  status: string;
  requestedAt: string;
  finishedAt: string | null;
  reason?: string;
  /** The change (dedupe key) the ledger records the build was started for. */
  change?: string;
  /** The cost estimate the ledger's build item carries (instances and copies, without storage). */
  cost?: number;
  /** Revocation's flag: built on a revoked parent (when, and the reason), held until rebuilt. */
  flagged?: { at: string; reason: string };
}

/** One promotion outcome in the report. */
export interface ReportPromotion {
  image: string;
  version: string;
  channel: string;
  outcome: string;
  reason: string;
  by?: string;
  at: string;
  regions: string[];
  targets: { ous: number; accounts: number };
}

/** The report's pointers: `image/channel` → region → the AMI its parameter names. */
export type ReportPointers = Record<string, Record<string, string>>;

const TERMINAL = new Set(['AVAILABLE', 'FAILED', 'CANCELLED']);

/** The cost estimate a ledger build item carries (`cost.total`), as the report's `cost` field. */
function costOf(record: Item | undefined): { cost?: number } {
  const total = (record?.cost as { total?: unknown } | undefined)?.total;
  return typeof total === 'number' ? { cost: total } : {};
}

/** The report's `builds`: every build the Image Builder fake ran, with what the ledger recorded it was for. */
export function buildsOf(
  cloud: LocalCloud,
  items: readonly Item[],
  statusTimes: Map<string, { status: string; at: string }>,
): ReportBuild[] {
  const { fakes } = cloud.installed;
  const buildRecords = new Map<string, Item>();
  for (const i of items.filter((r) => r.kind === 'build'))
    if (!buildRecords.has(str(i.buildVersionArn))) buildRecords.set(str(i.buildVersionArn), i);
  return [...fakes.imagebuilder.builds.values()].map((b) => {
    const version = b.arn.split('/').slice(-2).join('/');
    const record = buildRecords.get(b.arn);
    const finished = statusTimes.get(b.arn);
    return {
      image: b.pipeline.image,
      version,
      trigger: str(record?.trigger) || 'unknown',
      status: b.status,
      requestedAt: b.dateCreated,
      finishedAt: TERMINAL.has(b.status) && finished ? finished.at : null,
      ...(b.reason ? { reason: b.reason } : {}),
      // A change whose claim was given back builds again (core/triggers/package-release.ts): each claim is its own.
      ...(record?.dedupeKey
        ? { change: `${str(record.dedupeKey)}${record.claimReleases ? `#${String(record.claimReleases)}` : ''}` }
        : {}),
      ...costOf(record),
      // Revocation's flag: built on a revoked parent, held out of every further channel until rebuilt.
      ...(str(record?.flaggedReason)
        ? { flagged: { at: str(record?.flaggedAt), reason: str(record?.flaggedReason) } }
        : {}),
    };
  });
}

/** The report's `promotions`: the ledger's promotion records with the sharing each had, oldest first. */
export function promotionsOf(cloud: LocalCloud, items: readonly Item[]): ReportPromotion[] {
  const channelIndex = (name: string) => cloud.catalog.channels.findIndex((c) => c.name === name);
  const shareKey = (i: Item) => `${str(i.image)}@${str(i.version)}#${str(i.channel)}`;
  const shares = new Map<string, Item>();
  for (const s of items.filter((r) => r.kind === 'share')) if (!shares.has(shareKey(s))) shares.set(shareKey(s), s);
  // What Share resolved from Organizations at promotion time (the audit checks the fakes independently).
  const accountsFor = (share: Item | undefined): number =>
    share ? Number((share.counts as { accounts?: number } | undefined)?.accounts ?? 0) : 0;
  const ousFor = (share: Item | undefined): number =>
    share ? Number((share.counts as { ous?: number } | undefined)?.ous ?? 0) : 0;
  return items
    .filter((i) => i.kind === 'promotion')
    .map((p) => {
      const share = shares.get(shareKey(p));
      const amis = (p.amis ?? []) as { region: string }[];
      return {
        image: str(p.image),
        version: str(p.version),
        channel: str(p.channel),
        outcome: str(p.outcome),
        reason: str(p.reason),
        ...(p.by ? { by: str(p.by) } : {}),
        at: str(p.at),
        regions: share ? (share.regions as string[]) : amis.map((a) => a.region),
        targets: { ous: ousFor(share), accounts: accountsFor(share) },
      };
    })
    .sort((a, b) => a.at.localeCompare(b.at) || channelIndex(a.channel) - channelIndex(b.channel));
}

/** The report's `pointers`: each image and channel's SSM parameter, per region where it is set. */
export function pointersOf(cloud: LocalCloud): ReportPointers {
  const { fakes } = cloud.installed;
  const pointers: ReportPointers = {};
  for (const [image, spec] of Object.entries(cloud.catalog.images)) {
    for (const channel of cloud.catalog.channels.map((c) => c.name)) {
      for (const region of spec.regions) {
        const ami = fakes.ssm.value(region, `/goldsmith/${image}/${channel}`);
        if (!ami) continue;
        pointers[`${image}/${channel}`] = { ...pointers[`${image}/${channel}`], [region]: ami };
      }
    }
  }
  return pointers;
}
