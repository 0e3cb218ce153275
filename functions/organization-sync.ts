import { createHash } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import {
  HeldOrganizationChangedError,
  readHeldOrganizationItems,
  readHeldOrganizationState,
  writeHeldOrganization,
} from '../aws/sharing/organization-held.js';
import { readOrganizationNode, readOrganizationTree } from '../aws/sharing/organizations-targets.js';
import { mapWithConcurrency } from '../core/concurrency.js';
import { parseDuration } from '../core/duration.js';
import { TransientError } from '../core/errors/classify.js';
import { metricNames } from '../core/observability/metrics.js';
import {
  changedSinceLastTick,
  changesNoEventSaid,
  fullReadDue,
  heldChanges,
  heldState,
  stateItem,
  treeFromHeldItems,
} from '../core/sharing/held-organization.js';
import { applyNodeReads, type NodeRead, nodesNamedBy } from '../core/sharing/organization-events.js';
import type { OrgTree } from '../core/sharing/targets.js';
import { isoTime } from '../events/envelope.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics } from './lib/powertools.js';
import { channelsChangedBy, type RegrantResult, regrantChannels, regrantRetiredShared } from './sharing/regrant.js';

/** The daily backstop's input (stacks/promotion/organization.ts): Scheduler fills in the scheduled time. */
const fullReadSchema = z.strictObject({ organization: z.literal('full-read'), scheduledTime: isoTime });

/** Organizations' CloudTrail event as EventBridge delivers it (core/sharing/organization-events.ts). */
const organizationEventSchema = z.object({
  source: z.literal('aws.organizations'),
  'detail-type': z.enum(['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail']),
  time: isoTime,
  detail: z.record(z.string(), z.unknown()),
});

export const organizationSyncInputSchema = z.union([fullReadSchema, organizationEventSchema]);
export type OrganizationSyncInput = z.input<typeof organizationSyncInputSchema>;

/** What one run did, for logs and tests. */
export interface OrganizationSyncResult {
  /** How the held tree was brought up to date: a full read, the nodes an event named, or not at all. */
  read: 'full' | 'nodes' | 'none';
  /** Why nothing was read (an event about something Goldsmith does not hold, a failed call). */
  ignored?: string;
  /** OU and account items written or removed. */
  itemsChanged: number;
  regrant: RegrantResult;
}

/** Nodes read back at once: Organizations throttles per account. */
const NODE_CONCURRENCY = 4;

function withTagsFor(): boolean {
  return bundledCatalog().channels.some((c) => Object.keys(c.targets.accountTags).length > 0);
}

/** What earlier attempts of this run did, when another run held a new tree under them. */
interface Attempts {
  retried: boolean;
  /** An attempt wrote OU or account items (before its STATE write, which may then have lost). */
  itemsWritten: boolean;
}

/** How one attempt holds what it read: its times, and whether it re-grants every channel. */
interface Holding {
  /** The held state as this attempt read it (undefined before the first read). */
  held: { fullReadAt: string; changedAt?: string; revision?: string } | undefined;
  read: 'full' | 'nodes';
  /** The scheduled daily read (the backstop), not a full read an event fell back to. */
  scheduled: boolean;
  /** When this attempt's input happened: the scheduled time or the event's time. */
  at: string;
  /** Re-grant every channel, not only those the change alters. */
  regrantAll: boolean;
}

/** The latest of some ISO times (undefined when none is given). */
function latest(...times: (string | undefined)[]): string | undefined {
  const known = times.filter((t): t is string => t !== undefined);
  return known.length === 0 ? undefined : known.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

async function hold(
  before: OrgTree | undefined,
  after: OrgTree,
  h: Holding,
  attempts: Attempts,
): Promise<OrganizationSyncResult> {
  const changes = heldChanges(before, after);
  const itemsChanged = changes.put.length + changes.remove.length;
  const catalog = bundledCatalog();
  const channels = catalog.channels.map((c) => ({ name: c.name, targets: c.targets }));
  // A retried attempt re-grants every channel: the run that won may have changed a channel this one's change alone
  // does not, and the combination is only seen in the tree held now.
  const all = h.regrantAll || attempts.retried;
  const changed = all ? channels.map((c) => c.name) : before ? channelsChangedBy(before, after, channels) : [];
  // Re-granted from the new tree before it is held: a re-grant that fails leaves the old tree held, so the retried
  // event (or the next full read) sees the same difference and re-grants again.
  const byChannel = await regrantChannels(changed, after);
  // Retired versions kept shared are granted by account id: any membership change can narrow them.
  const retired =
    itemsChanged > 0 || all ? await regrantRetiredShared(after) : { versions: 0, modifyImageAttribute: 0 };
  const regrant = {
    ...byChannel,
    versions: byChannel.versions + retired.versions,
    modifyImageAttribute: byChannel.modifyImageAttribute + retired.modifyImageAttribute,
  };
  const missed = h.scheduled && before ? changesNoEventSaid(before, changes) : 0;
  if (missed > 0) {
    // What an event would have said (a move, a closure, tags, an OU, a join or a leave) but none did: lost on the way,
    // or Organizations' events do not reach this bus (no trail or forwarding rule).
    logger.warn('the full read of the organization found changes no event had brought', { missed });
    metrics.addMetric(metricNames.organizationChangesMissed, MetricUnit.Count, missed);
  }
  // The first read holds what was never held: not a change a Share could have raced.
  if (itemsChanged > 0 && before) attempts.itemsWritten = true;
  // A retried attempt holds a new revision even when it changes no item: the attempt before may have written some.
  if (itemsChanged > 0 || h.read === 'full' || !before || attempts.retried) {
    // The scheduled read is what the next one measures "changed lately" from; a full read an event fell back to keeps
    // it. A change (this attempt's or an earlier attempt's items) moves changedAt forward, never back.
    const fullReadAt = h.scheduled ? h.at : (h.held?.fullReadAt ?? h.at);
    const changedAt = attempts.itemsWritten
      ? latest(h.held?.changedAt, h.at, new Date().toISOString())
      : h.held?.changedAt;
    // Each write's revision follows from the last one and what this write changes: unique per change (two events in
    // one second), and the same when the same change is written again (a replayed run holds the same items).
    const revision = createHash('sha256')
      .update(JSON.stringify([h.held?.revision ?? '', fullReadAt, changedAt ?? '', changes]))
      .digest('hex')
      .slice(0, 32);
    await writeHeldOrganization(changes, stateItem(after, fullReadAt, changedAt, revision), h.held?.revision);
  }
  return { read: h.read, itemsChanged, regrant };
}

/**
 * Keeps the organization the ledger holds in step with Organizations, so promotions read it from the ledger instead
 * of listing every OU (functions/sharing/channel-targets.ts):
 * - on Organizations' events (an account created, moved, removed or closed, an OU created, renamed or deleted, an
 *   account's tags changed) it reads back the nodes the event names and holds what Organizations answers;
 * - daily, and whenever an event cannot be applied (nothing held yet, a parent not held), it reads the tree in full
 *   and holds the difference, which catches any event lost on the way.
 * When a change alters what a channel's grants must be (an exclusion, a tag a channel selects by, an account a
 * channel grants by id), the versions holding that channel are re-granted at once. Running twice writes nothing new.
 *
 * The function runs one invocation at a time (reserved concurrency 1, stacks/promotion/organization.ts). Should two
 * runs still overlap, each reads the held tree first: the one that holds its tree second finds the revision it read
 * gone, reads again and re-grants every channel from the tree held now, so the later re-grant is made from a tree
 * with both changes.
 */
export async function syncOrganization(raw: OrganizationSyncInput): Promise<OrganizationSyncResult> {
  const input = organizationSyncInputSchema.parse(raw);
  const attempts: Attempts = { retried: false, itemsWritten: false };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      return await syncOnce(input, attempts);
    } catch (error) {
      if (!(error instanceof HeldOrganizationChangedError)) throw error;
      attempts.retried = true;
    }
  }
  throw new TransientError(`the held organization changed under each of ${MAX_ATTEMPTS} attempts`);
}

/**
 * Longer than any Share attempt between reading the tree and granting (its Lambda timeout is 300 s,
 * stacks/promotion/functions.ts): a change held this close before a full read may have raced a Share the read missed.
 */
const SHARE_MARGIN_MS = 3_600_000;

/** Attempts of one run against other runs holding new trees under it; then the event is retried by Lambda. */
const MAX_ATTEMPTS = 5;

/**
 * The held freshness when a tick finds nothing to do from the `STATE` item alone: the organization was read in full,
 * that read is younger than `organizationFullReadEvery`, and nothing changed since the last tick (the decision
 * `syncOnce` makes from the whole partition depends on `STATE` only). Undefined when the tick has work.
 */
function idleTick(
  state: Record<string, unknown> | undefined,
  at: string,
  everySeconds: number,
): { fullReadAt: string } | undefined {
  const held = state ? [state] : [];
  const freshness = heldState(held);
  const idle =
    treeFromHeldItems(held) !== undefined &&
    !fullReadDue(freshness, at, everySeconds) &&
    !changedSinceLastTick(freshness, at);
  return idle ? freshness : undefined;
}

/** A tick's answer when it has nothing to do. */
function idle(freshness: { fullReadAt: string } | undefined): OrganizationSyncResult {
  return {
    read: 'none',
    ignored: `the last full read (${freshness?.fullReadAt}) is younger than organizationFullReadEvery`,
    itemsChanged: 0,
    regrant: { channels: [], versions: 0, modifyImageAttribute: 0 },
  };
}

async function syncOnce(
  input: z.output<typeof organizationSyncInputSchema>,
  attempts: Attempts,
): Promise<OrganizationSyncResult> {
  const withTags = withTagsFor();
  const every = parseDuration(bundledCatalog().monitoring.organizationFullReadEvery);
  // Most ticks have nothing to do, which the `STATE` item alone tells (one GetItem): the held items, a Query of
  // several 1 MB pages in a large organization, are read only when the tick acts on them.
  if ('organization' in input) {
    const idleSince = idleTick(await readHeldOrganizationState(), input.scheduledTime, every);
    if (idleSince) return idle(idleSince);
  }
  const items = await readHeldOrganizationItems();
  const before = treeFromHeldItems(items);
  const freshness = heldState(items);
  if ('organization' in input) {
    if (before && !fullReadDue(freshness, input.scheduledTime, every)) {
      // Between full reads, a tick after a change an event brought re-grants every channel from the tree held now
      // (no Organizations read): a Share that resolved the tree just before the change is corrected within a day.
      if (changedSinceLastTick(freshness, input.scheduledTime))
        return hold(
          before,
          before,
          { held: freshness, read: 'nodes', scheduled: false, at: input.scheduledTime, regrantAll: true },
          attempts,
        );
      return idle(freshness);
    }
    const after = await readOrganizationTree({ withTags });
    // A Share that resolved the tree just before a change was held grants by the older tree, and a sync cannot see
    // it (Share records its decision after granting): so the first full read after a change, and the one after that
    // when the change came within SHARE_MARGIN_MS of a full read, re-grant every channel from the tree as read now.
    // Only differences are written; a period without organization changes costs nothing more.
    const changedLately =
      freshness?.changedAt !== undefined &&
      Date.parse(freshness.changedAt) >= Date.parse(freshness.fullReadAt) - SHARE_MARGIN_MS;
    return hold(
      before,
      after,
      { held: freshness, read: 'full', scheduled: true, at: input.scheduledTime, regrantAll: changedLately },
      attempts,
    );
  }
  const named = nodesNamedBy(input.detail);
  if ('ignored' in named)
    return {
      read: 'none',
      ignored: named.ignored,
      itemsChanged: 0,
      regrant: { channels: [], versions: 0, modifyImageAttribute: 0 },
    };
  const fullRead = async () =>
    hold(
      before,
      await readOrganizationTree({ withTags }),
      { held: freshness, read: 'full', scheduled: false, at: input.time, regrantAll: false },
      attempts,
    );
  if ('fullRead' in named || !before || !freshness || (withTags && !before.tagsRead)) return fullRead();
  const reads: NodeRead[] = await mapWithConcurrency([...named.ous, ...named.accounts], NODE_CONCURRENCY, (id) =>
    readOrganizationNode(id, { withTags }),
  );
  const after = applyNodeReads(before, reads);
  if (!after) return fullRead();
  // An OU a channel excludes that the held tree lacks may exist (its event lost): dropping it from the exclusions
  // would widen the grant, so only a full read decides that it is gone.
  const excluded = bundledCatalog().channels.flatMap((c) => c.targets.exclude.ous);
  if (excluded.some((ou) => ou !== after.rootId && !after.ous.has(ou))) return fullRead();
  return hold(
    before,
    after,
    { held: freshness, read: 'nodes', scheduled: false, at: input.time, regrantAll: false },
    attempts,
  );
}

export const handler = handlerFor({
  name: 'organization-sync',
  recordFailure: recordFailedInvocation,
  parse: organizationSyncInputSchema,
  handle: (input: OrganizationSyncInput) => syncOrganization(input),
});
