import type { Catalog } from '../core/config/schema.js';
import type { OuFleet } from '../core/fleet/channel-view.js';
import type { ImageFleet } from '../core/fleet/view.js';
import type { OrgTree } from '../core/sharing/targets.js';
import type { Command } from './command.js';
import { type FleetReport, renderFleet } from './fleet-output.js';
import { channelsOf, checkNames, operatorOptions, TARGET_HELP } from './operator/options.js';
import { partitionOf } from './operator/partition.js';
import { ledgerOf } from './operator/read.js';

const HELP = `usage: goldsmith fleet [IMAGE] (--stage STAGE | --local DIR) [--channel C] [--ou OU] [--json]

Which versions the organization runs, per image, from the ledger's usage observations (EC2 image usage reports,
read by the daily lifecycle sweep; about a day old): accounts, instances and launch templates on each version, and
where that version stands against the image's last channel — current, one behind, older, revoked, retired. Then
the same per channel and OU (an account's OU is its parent in the organization the ledger holds; "unknown" when it
holds none), and patch compliance: per monthly cycle (from Patch Tuesday) and out-of-cycle rebuild (from the
finding), the time to the channel's pointer moving and to 90 % of each OU's instances on the new version or newer.
Under each OU of a channel with a rollout: per version (median, worst), the pointer's move to the OU's wave start,
to 90 % of its instances, and the wave start to 90 % (as the daily usage reports saw it). A warning for each Region
whose AMI key holds 80 % of its grants quota: from the daily grants count (ListGrants) where the ledger holds one,
else estimated from the usage reports.
  --channel C       only this channel
  --ou OU           only this OU (its id)
${TARGET_HELP}`;

/** Each channel's accounts, resolved against the held organization (undefined: none held). */
function channelAccounts(catalog: Catalog, tree: OrgTree | undefined, resolve: ResolveFn): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!tree) return out;
  for (const c of catalog.channels) {
    try {
      out.set(c.name, new Set(resolve(tree, c.targets, `channels.${c.name}.targets`).accounts));
    } catch {
      // A channel the held tree cannot resolve (an OU it does not hold, tags not read): counted without its OUs.
    }
  }
  return out;
}
type ResolveFn = typeof import('../core/sharing/targets.js').resolveTargets;

export const command: Command = {
  summary: 'which versions the organization runs, per channel and OU, and how fast each patch reached them',
  async run(args) {
    const parsed = await operatorOptions(args, { channel: { type: 'string' }, ou: { type: 'string' } }, 1);
    if (parsed.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { where, json, positionals, values } = parsed;
    const [only] = positionals;
    const channel = typeof values.channel === 'string' ? values.channel : undefined;
    const ou = typeof values.ou === 'string' ? values.ou : undefined;
    if (only) checkNames(where.catalog, only, channel);
    else if (channel) checkNames(where.catalog, Object.keys(where.catalog.images)[0] ?? '', channel);
    const [
      { imageFleet, currentUsage },
      { channelFleet },
      { channelCompliance },
      held,
      { resolveTargets },
      { orgKey, complianceKey },
      { missedCycles },
      { ledgerReach, waveStartsOf },
    ] = await Promise.all([
      import('../core/fleet/view.js'),
      import('../core/fleet/channel-view.js'),
      import('../core/fleet/compliance-summary.js'),
      import('../core/sharing/held-organization.js'),
      import('../core/sharing/targets.js'),
      import('../core/ledger/keys.js'),
      import('../core/fleet/missed-cycles.js'),
      import('../core/fleet/rollout-reach-ledger.js'),
    ]);
    const tree = held.treeFromHeldItems(await partitionOf(where, orgKey('STATE').pk));
    if (ou && tree && !tree.ous.has(ou) && ou !== tree.rootId) {
      process.stderr.write(`goldsmith fleet: --ou ${ou} is not an OU of the organization Goldsmith holds\n`);
      return 1;
    }
    const places = tree ? held.accountPlaces(tree) : new Map<string, { parentId: string }>();
    const accounts = channelAccounts(where.catalog, tree, resolveTargets);
    const images = only ? [only] : Object.keys(where.catalog.images);
    const reach: NonNullable<FleetReport['reach']> = [];
    const report: FleetReport = { images: [], channels: [], compliance: [], missed: [], reach, ouNames: {} };
    const rollouts: { image: string; channel: string; records: Record<string, unknown>[] }[] = [];
    for (const [id, o] of tree?.ous ?? []) if (o.name && o.name !== id) report.ouNames[id] = o.name;
    // Instances per Region on any of the images' versions: each attaches a volume the AMI key encrypts.
    const instancesIn = new Map<string, number>();
    const observed = new Set<string>();
    for (const image of images) {
      const channels = channelsOf(where.catalog, image);
      const items = await ledgerOf(where, image);
      for (const u of currentUsage(items))
        for (const [account, use] of Object.entries(u.accounts)) {
          instancesIn.set(u.region, (instancesIn.get(u.region) ?? 0) + (use.instances ?? 0));
          observed.add(account);
        }
      const fleet: ImageFleet = imageFleet(image, channels.at(-1) ?? '', items);
      report.images.push(fleet);
      const last = channels.at(-1);
      if (last && (!channel || channel === last)) report.missed.push(...missedCycles(image, last, items));
      // Without a held organization, accounts cannot be told apart by channel: counted under the last one only.
      const measured = tree ? channels : channels.slice(-1);
      for (const c of measured.filter((name) => !channel || name === channel)) {
        const rows: OuFleet[] = channelFleet(
          image,
          c,
          items,
          tree ? (accounts.get(c) ?? new Set()) : undefined,
          (a) => places.get(a)?.parentId,
        );
        report.channels.push(...rows.filter((r) => !ou || r.ou === ou));
        if (where.catalog.channels.find((x) => x.name === c)?.rollout)
          rollouts.push({ image, channel: c, records: items.filter((i) => String(i.sk).startsWith(`ROLLOUT#${c}#`)) });
      }
    }
    const records = (await partitionOf(where, complianceKey('', '', '', '').pk)).filter(
      (r) => images.includes(String(r.image)) && (!channel || r.channel === channel) && (!ou || r.ou === ou),
    );
    report.compliance = channelCompliance(records);
    const [{ rolloutRecordsOf }, { sumLeftBehind }] = await Promise.all([
      import('../core/status/rollout-records.js'),
      import('../core/rollout/left-behind.js'),
    ]);
    report.leftBehind = rollouts.flatMap((r) => {
      const newest = rolloutRecordsOf(r.records)
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
        .at(-1);
      if (!newest) return [];
      const sum = sumLeftBehind(newest.waves.flatMap((w) => w.groups));
      return sum.instances > 0 ? [{ image: r.image, channel: r.channel, version: newest.version, ...sum }] : [];
    });
    for (const r of rollouts) {
      const measured = records.filter((x) => x.image === r.image && x.channel === r.channel);
      const starts = waveStartsOf(r.records, (a) => places.get(a)?.parentId);
      reach.push(...ledgerReach(r.image, r.channel, measured, starts).filter((x) => !ou || x.ou === ou));
    }
    // Explicit grants: one per targeted account (the held organization's), else per account the reports name.
    const targeted = new Set([...accounts.values()].flatMap((a) => [...a]));
    const explicit = (tree ? targeted : observed).size;
    // A Region the daily grants count listed is warned from that count, the others from the estimate.
    const [{ countedKeyGrants, keyGrantWarningsCounted }, { KEY_GRANTS_PK }] = await Promise.all([
      import('../core/limits/key-grants.js'),
      import('../core/audit/key-grants.js'),
    ]);
    report.grantWarnings = keyGrantWarningsCounted(
      countedKeyGrants(await partitionOf(where, KEY_GRANTS_PK)),
      [...instancesIn].map(([region, volumes]) => ({ region, explicit, volumes })),
      "the ledger's usage reports (one volume per instance at least)",
      where.catalog.monitoring.keyGrantQuota,
    );
    if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(renderFleet(report));
    return 0;
  },
};
