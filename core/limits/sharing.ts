import type { Catalog } from '../config/schema.js';
import { planPromotion } from '../promotion/plan.js';
import type { ChannelStep } from '../promotion/types.js';
import { sharingEntities } from '../sharing/sharing-quota.js';
import { type OrgTree, resolveTargets, unionTargets, withoutMissingOus } from '../sharing/targets.js';
import type { Measurement } from './report.js';

/**
 * The per-AMI quotas the catalog meets through sharing and retention, measured in the worst case:
 * - EC2's AMI sharing quota (entities per AMI and Region): a version keeps the grants of every channel it was
 *   promoted to while it is within that channel's retention, so it can hold any set of its image's channels at once.
 *   With the organization (held, described or read), the channels resolve exactly as Share resolves them; without
 *   it, the catalog's own entries are counted (the organization, each OU, each account named), and tag-selected
 *   accounts and the account ids exclusions break an OU into cannot be counted.
 * - EC2's AMIs per Region: each image keeps at most `retention.keep` promoted versions per channel.
 */

/** The entities of the worst set of channels a version can hold at once, and which set that is. */
interface Worst {
  /** Indexes of the channels in the worst set. */
  readonly held: number[];
  readonly entities: number;
  /** Each channel's own entities, in plan order. */
  readonly byChannel: number[];
}

/** Channels as the catalog names them, without the organization: nothing simplifies, so all of them is the worst. */
function namedWorst(steps: readonly ChannelStep[]): Worst {
  const keys = (s: ChannelStep): string[] => {
    const t = s.targets;
    const excluded = new Set(t.exclude.accounts);
    const ous = t.ous.filter((ou) => !t.exclude.ous.includes(ou));
    return [
      ...(t.organization ? ['org'] : []),
      ...ous.map((ou) => `ou:${ou}`),
      ...t.accounts.filter((a) => !excluded.has(a)).map((a) => `account:${a}`),
    ];
  };
  return {
    held: steps.map((_, i) => i),
    entities: new Set(steps.flatMap(keys)).size,
    byChannel: steps.map((s) => new Set(keys(s)).size),
  };
}

/** Up to this many channels every subset is tried; beyond, all of them and each one alone. */
const EXACT_CHANNELS = 10;

/**
 * Channels resolved against the organization, exactly as Share grants them. A channel's OU or organization grant
 * can cover another's accounts, so holding more channels can mean fewer entities: the worst case is the largest
 * over the sets of channels a version can hold (any, once earlier channels' retention has let it go).
 */
function resolvedWorst(tree: OrgTree, steps: readonly ChannelStep[]): Worst {
  const resolved = steps.map((s) => {
    const { spec } = withoutMissingOus(tree, s.targets);
    const usable = tree.tagsRead ? spec : { ...spec, accountTags: {} };
    return resolveTargets(tree, usable, `channels.${s.name}.targets`);
  });
  const byChannel = resolved.map((r) => sharingEntities(r.grants));
  const all = steps.map((_, i) => i);
  const sets =
    steps.length <= EXACT_CHANNELS
      ? Array.from({ length: 2 ** steps.length - 1 }, (_, m) => all.filter((i) => ((m + 1) >> i) & 1))
      : [all, ...all.map((i) => [i])];
  let worst: Worst = { held: [], entities: -1, byChannel };
  for (const held of sets) {
    const entities = sharingEntities(
      unionTargets(
        tree,
        held.map((i) => resolved[i]!),
      ).grants,
    );
    if (entities > worst.entities) worst = { held, entities, byChannel };
  }
  return worst;
}

/**
 * One measurement per distinct list of channels images go through: the entities each AMI of a version would be
 * shared with in the worst set of those channels it can hold at once, naming that set, each channel's own count and
 * the channel that contributes most (the field to change).
 */
export function sharingMeasurements(catalog: Catalog, tree?: OrgTree): Measurement[] {
  const groups = new Map<string, { steps: ChannelStep[]; images: string[] }>();
  for (const image of Object.keys(catalog.images)) {
    if (catalog.images[image]!.kind === 'container') continue;
    const steps = planPromotion(catalog, image).channels;
    if (steps.length === 0) continue;
    const key = steps.map((s) => s.name).join('+');
    const group = groups.get(key) ?? { steps, images: [] };
    group.images.push(image);
    groups.set(key, group);
  }
  const basis = tree ? 'resolved against the organization' : 'as the catalog names them';
  return [...groups.values()].map(({ steps, images }) => {
    const { held, entities, byChannel } = tree ? resolvedWorst(tree, steps) : namedWorst(steps);
    const largest = held.reduce((best, i) => (byChannel[i]! > byChannel[best]! ? i : best), held[0]!);
    const each = held.map((i) => `${steps[i]!.name} ${byChannel[i]!.toLocaleString('en-US')}`).join(', ');
    return {
      limit: 'amiSharingEntities' as const,
      subject: `each AMI of a version in channels ${held.map((i) => steps[i]!.name).join(', ')} at once (${each}; ${basis})`,
      value: entities,
      field: `channels.${steps[largest]!.name}.targets`,
      images,
    };
  });
}

/** Promoted versions' AMIs each Region keeps at most: `retention.keep` per channel of every image built there. */
export function amiCountMeasurements(catalog: Catalog): Measurement[] {
  const perRegion = new Map<string, { count: number; images: string[] }>();
  for (const [image, spec] of Object.entries(catalog.images)) {
    if (spec.kind === 'container') continue;
    const kept = spec.retention.keep * planPromotion(catalog, image).channels.length;
    for (const region of spec.regions) {
      const r = perRegion.get(region) ?? { count: 0, images: [] };
      r.count += kept;
      r.images.push(image);
      perRegion.set(region, r);
    }
  }
  return [...perRegion].map(([region, r]) => ({
    limit: 'amisPerRegion' as const,
    subject: `AMIs of promoted versions kept in ${region} (retention.keep per channel)`,
    value: r.count,
    field: 'images',
    images: r.images,
  }));
}
