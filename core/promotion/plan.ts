import type { Catalog, ChannelSpec } from '../config/schema.js';
import { parseDuration } from '../duration.js';
import type { ChannelStep, PromotionPlan } from './types.js';

function stepFor(channel: ChannelSpec, index: number, channels: readonly ChannelSpec[]): ChannelStep {
  return {
    after: channels[index - 1]?.name,
    name: channel.name,
    policy: { ...channel.vulnerabilities },
    approval: channel.approval
      ? { approvers: [...channel.approval.approvers], timeoutSeconds: parseDuration(channel.approval.timeout) }
      : undefined,
    soakSeconds: channel.soak ? parseDuration(channel.soak) : undefined,
    targets: channel.targets,
    ...(channel.rollout && { rollsOut: true as const }),
  };
}

/**
 * The promotion plan of one catalog image: its channels in catalog order (the image's `channels` list selects a
 * subset, never reorders), each with its policy, approval, soak and targets resolved to plain numbers, and the
 * channel it follows.
 * @throws Error when the image is not in the catalog.
 */
export function planPromotion(catalog: Catalog, image: string): PromotionPlan {
  const spec = catalog.images[image];
  if (!spec) throw new Error(`unknown image "${image}"`);
  const selected = spec.channels ? new Set(spec.channels) : undefined;
  const channels = catalog.channels
    .filter((c) => !selected || selected.has(c.name))
    .map((c, i, kept) => stepFor(c, i, kept));
  return {
    image,
    regions: [...spec.regions],
    retentionKeep: spec.retention.keep,
    retention: {
      deleteAfterSeconds: parseDuration(spec.retention.deleteAfter),
      unpromotedGraceSeconds: parseDuration(spec.retention.unpromotedGrace),
      ...(spec.retention.deprecateAfter ? { deprecateAfterSeconds: parseDuration(spec.retention.deprecateAfter) } : {}),
      ...(spec.retention.holdInUseFor ? { holdInUseForSeconds: parseDuration(spec.retention.holdInUseFor) } : {}),
    },
    parent: typeof spec.parent === 'object' ? { ...spec.parent } : undefined,
    ...(spec.revocation.descendants === 'revoke' ? { revokeDescendants: true } : {}),
    channels,
  };
}

/** Every catalog image's plan, keyed by image name (what the stacks hand to on-image-event). */
export function planAll(catalog: Catalog): Record<string, PromotionPlan> {
  return Object.fromEntries(Object.keys(catalog.images).map((image) => [image, planPromotion(catalog, image)]));
}
