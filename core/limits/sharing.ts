import type { Catalog } from '../config/schema.js';
import { planPromotion } from '../promotion/plan.js';
import type { ChannelStep } from '../promotion/types.js';
import { sharingEntities } from '../sharing/sharing-quota.js';
import { type OrgTree, resolveTargets, unionTargets, withoutMissingOus } from '../sharing/targets.js';
import type { Measurement } from './report.js';

/**
 * The per-AMI quotas the catalog meets through sharing and retention, measured in the worst case:
 * - EC2's AMI sharing quota (entities per AMI and Region): a version keeps the grants of every channel it was
 *   promoted to while it is within that channel's retention, so it can hold all of its image's channels at once.
 *   With the organization (held, described or read), the channels resolve exactly as Share resolves them; without
 *   it, the catalog's own entries are counted (the organization, each OU, each account named), and tag-selected
 *   accounts and the account ids exclusions break an OU into cannot be counted.
 * - EC2's AMIs per Region: each image keeps at most `retention.keep` promoted versions per channel.
 */

/** A channel's entities as the catalog names them, without the organization. */
function namedEntities(steps: readonly ChannelStep[]): { union: number; byChannel: number[] } {
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
  const byChannel = steps.map((s) => new Set(keys(s)).size);
  return { union: new Set(steps.flatMap(keys)).size, byChannel };
}

/** The channels' entities resolved against the organization, exactly as Share grants them. */
function resolvedEntities(tree: OrgTree, steps: readonly ChannelStep[]): { union: number; byChannel: number[] } {
  const resolved = steps.map((s) => {
    const { spec } = withoutMissingOus(tree, s.targets);
    const usable = tree.tagsRead ? spec : { ...spec, accountTags: {} };
    return resolveTargets(tree, usable, `channels.${s.name}.targets`);
  });
  return {
    union: sharingEntities(unionTargets(tree, resolved).grants),
    byChannel: resolved.map((r) => sharingEntities(r.grants)),
  };
}

/**
 * One measurement per distinct set of channels an image can hold at once: the entities each of its AMIs would be
 * shared with, naming the channel that contributes most (the field to change) and each channel's own count.
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
    const { union, byChannel } = tree ? resolvedEntities(tree, steps) : namedEntities(steps);
    const largest = byChannel.reduce((best, n, i) => (n > byChannel[best]! ? i : best), 0);
    const each = steps.map((s, i) => `${s.name} ${byChannel[i]!.toLocaleString('en-US')}`).join(', ');
    return {
      limit: 'amiSharingEntities' as const,
      subject: `each AMI of a version in channels ${steps.map((s) => s.name).join(', ')} at once (${each}; ${basis})`,
      value: union,
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
