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

/** Up to this many channels every subset is tried; beyond, all of them and each one alone. */
const EXACT_CHANNELS = 10;

/**
 * The largest count over the sets of channels a version can hold (any, once earlier channels' retention has let it
 * go): a channel's OU or organization grant can cover another's accounts, so holding more channels can mean fewer
 * entities.
 */
function worstSet(count: number, entitiesOf: (held: number[]) => number, byChannel: number[]): Worst {
  const all = Array.from({ length: count }, (_, i) => i);
  const sets =
    count <= EXACT_CHANNELS
      ? Array.from({ length: 2 ** count - 1 }, (_, m) => all.filter((i) => ((m + 1) >> i) & 1))
      : [all, ...all.map((i) => [i])];
  let worst: Worst = { held: [], entities: -1, byChannel };
  for (const held of sets) {
    const entities = entitiesOf(held);
    if (entities > worst.entities) worst = { held, entities, byChannel };
  }
  return worst;
}

/**
 * Channels as the catalog names them, without the organization: the organization, each OU and each account once. A
 * channel granting the whole organization (nothing excluded) covers every member the others name: Share grants its
 * ARN alone and skips non-members. Tags and exclusions inside OUs cannot be expanded here.
 */
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
  const whole = (s: ChannelStep) =>
    s.targets.organization && s.targets.exclude.ous.length === 0 && s.targets.exclude.accounts.length === 0;
  const count = (held: readonly ChannelStep[]) => (held.some(whole) ? 1 : new Set(held.flatMap(keys)).size);
  return worstSet(
    steps.length,
    (held) => count(held.map((i) => steps[i]!)),
    steps.map((s) => count([s])),
  );
}

/** Channels resolved against the organization, exactly as Share grants them. */
function resolvedWorst(tree: OrgTree, steps: readonly ChannelStep[]): Worst {
  const resolved = steps.map((s) => {
    const { spec } = withoutMissingOus(tree, s.targets);
    const usable = tree.tagsRead ? spec : { ...spec, accountTags: {} };
    return resolveTargets(tree, usable, `channels.${s.name}.targets`);
  });
  return worstSet(
    steps.length,
    (held) =>
      sharingEntities(
        unionTargets(
          tree,
          held.map((i) => resolved[i]!),
        ).grants,
      ),
    resolved.map((r) => sharingEntities(r.grants)),
  );
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
