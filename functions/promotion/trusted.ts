import * as z from 'zod';
import { readChannelFacts } from '../../aws/promotion/promotion-facts.js';
import { RevokedError } from '../../core/promotion/errors.js';
import { type ChannelFacts, PreconditionsUnmetError, unmetPrevious } from '../../core/promotion/preconditions.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { promotionPlans } from './plans.js';
import { type ChannelItem, parseTaskInput } from './schemas.js';

/**
 * What a channel step takes from its input: only which build and which channel. Everything else it acts on (the
 * build's AMIs and status, the channel's policy, targets, approvers and soak, every earlier verdict) comes from the
 * bundled catalog and the ledger (core/promotion/preconditions.ts), whoever invoked the function.
 */
const channelRefSchema = z.object({
  image: z.string().min(1),
  version: z.string().min(1),
  buildVersionArn: z.string().min(1),
  channel: z.object({ name: z.string().min(1) }),
});

/** A channel step's subject with its facts: the item as the catalog and the ledger say it, never as given. */
export interface TrustedChannel {
  item: ChannelItem;
  plan: PromotionPlan;
  facts: ChannelFacts;
}

/** The catalog's plan of `image` and its channel `channel`, or a refusal naming what the catalog lacks. */
export function catalogChannel(image: string, channel: string, step: string) {
  const plan = promotionPlans()[image];
  if (!plan) throw new PreconditionsUnmetError(step, [`image "${image}" is not in the bundled catalog`]);
  const found = plan.channels.find((c) => c.name === channel);
  if (!found) throw new PreconditionsUnmetError(step, [`${image} has no channel "${channel}" in the catalog`]);
  return { plan, channel: found };
}

/**
 * Reads a channel step's input as a reference and resolves it against the catalog and the ledger (one BatchGetItem).
 * A revoked build stops with `RevokedError` (recorded as aborted); a build LoadImage never loaded is refused.
 */
export async function trustedChannel(input: unknown, step: string): Promise<TrustedChannel> {
  const ref = parseTaskInput(channelRefSchema, input, step);
  const { plan, channel } = catalogChannel(ref.image, ref.channel.name, step);
  const facts = await readChannelFacts(ref.image, ref.version, channel.name, channel.after);
  // Only a channel the version reached (the first, or the one after a promoted channel) stops as revoked: a later
  // channel it never reached is skipped by its Gate, recording nothing (the channel it stopped at says why).
  if (facts.revocation?.state === 'revoked' && unmetPrevious(facts, channel).length === 0) {
    throw new RevokedError(
      `${ref.image} ${ref.version} was revoked: ${facts.revocation.reason ?? 'no reason recorded'}`,
    );
  }
  const loaded = facts.loaded;
  if (!loaded || loaded.buildVersionArn !== ref.buildVersionArn) {
    throw new PreconditionsUnmetError(step, [
      loaded
        ? `the ledger records ${loaded.buildVersionArn} as ${ref.version}, not ${ref.buildVersionArn}`
        : `the ledger records no build ${ref.version} loaded from Image Builder`,
    ]);
  }
  const approved =
    facts.approval?.decision === 'approve' && facts.approval.by && facts.approval.decidedAt
      ? { decision: 'approved' as const, by: facts.approval.by, at: facts.approval.decidedAt }
      : undefined;
  const item: ChannelItem = {
    image: ref.image,
    version: ref.version,
    buildVersionArn: ref.buildVersionArn,
    build: {
      status: loaded.status,
      testsEnabled: loaded.testsEnabled,
      amis: loaded.amis,
      containers: loaded.containers,
    },
    channel,
    ...(approved ? { approval: approved } : {}),
  };
  return { item, plan, facts };
}
