import type { Catalog } from '../config/schema.js';
import { isMonthlyPatchDay, nextMonthlyPatch } from '../schedule/monthly-patch.js';
import { affectedImages } from './affected.js';
import { type BreakerState, breakerSkipReason } from './breaker.js';
import { type Change, changeIdOf, changeIdText, type Trigger, triggerOf } from './change.js';
import { clientTokenFor, dedupeKeyFor } from './dedupe.js';
import { ancestorsOf, lineageOrder } from './lineage.js';

/** What the ledger already knows about a dedupe key. */
export interface KnownMarker {
  /** `released`: the build it started did not hold the package release it claimed (core/triggers/package-release.ts). */
  state: 'claimed' | 'started' | 'released';
  changeId: string;
  claimedAt: string;
  /** How many times the claim was released: each new claim builds with its own client token. */
  releases?: number | undefined;
}

export interface DecideInput {
  change: Change;
  catalog: Catalog;
  /** Build versions (`1.0.0/3`) of each image's builds that are not yet in a terminal state. */
  running: ReadonlyMap<string, readonly string[]>;
  /** Markers already recorded, by dedupe key. */
  markers: ReadonlyMap<string, KnownMarker>;
  /** Each affected image's build circuit breaker (core/triggers/breaker.ts), when the ledger holds one. */
  breakers?: ReadonlyMap<string, BreakerState>;
}

export interface Decision {
  image: string;
  outcome: 'start' | 'skip';
  reason: string;
  trigger: Trigger;
  changeId: string;
  dedupeKey: string;
  clientToken: string;
  /** True when an earlier attempt claimed the key but may not have started the build: start again, same token. */
  resume: boolean;
  /** The marker's release count when the key was claimed before and released: the claim replaces that marker. */
  reclaims?: number;
}

function skipReasonOf(
  input: DecideInput,
  image: string,
  dedupeKey: string,
  waitingOn: string | undefined,
): string | undefined {
  const { change, catalog } = input;
  const schedule = catalog.images[image]?.schedule;
  if (change.kind === 'schedule' && schedule?.type === 'monthly-patch') {
    const firedAt = new Date(change.scheduledTime);
    if (!isMonthlyPatchDay(schedule, firedAt)) {
      return `not a patch day (next patch build: ${nextMonthlyPatch(schedule, firedAt).toISOString()})`;
    }
  }
  const paused = breakerSkipReason(image, input.breakers?.get(image));
  if (paused !== undefined) return paused;
  if (waitingOn !== undefined) {
    return `waits for ${waitingOn}, also triggered by this change: its promotion cascades to ${image}`;
  }
  const marker = input.markers.get(dedupeKey);
  if (marker?.state === 'started')
    return `duplicate of ${changeIdText(marker.changeId)} (${dedupeKey}, started ${marker.claimedAt})`;
  const running = input.running.get(image) ?? [];
  if (running.length > 0) return `already building ${running.join(', ')}`;
  return undefined;
}

/**
 * Decides, for one change, which images build now and why the others don't. Pure and deterministic.
 *
 * Rules, in order, for each affected image (in lineage order: parents before children):
 * 1. A monthly-patch schedule that fires on a day that is not the patch build day skips (the scheduler fires on a
 *    range of days because no single cron names "N days after the second Tuesday").
 * 2. An image whose build circuit breaker tripped (its last builds all failed) skips until an operator resumes it.
 * 3. Cascade rule: if an ancestor of the image is affected by the same change, the image waits. The ancestor builds
 *    (or is already building, or already built for this change), its promotion emits "Image Promoted", and that
 *    cascade rebuilds the image on the new parent. Building now would only build on the old parent. An ancestor
 *    whose builds are paused builds nothing to wait for: the image builds now, on the parent it has.
 * 4. A dedupe key whose marker says `started` skips: a re-delivered event, or a second change in the same window. A
 *    marker `released` (its build did not hold the package release it claimed) does not: the change builds again.
 * 5. An image with a build in progress skips with `already building <buildVersion>`.
 * 6. Otherwise it starts; with `resume` when a marker was claimed but never confirmed started (a crash between the
 *    claim and StartImagePipelineExecution), so the edge repeats the call with the same client token.
 */
export function decideBuilds(input: DecideInput): Decision[] {
  const { change, catalog } = input;
  const affected = new Set(affectedImages(catalog, change));
  const changeId = changeIdOf(change);
  const trigger: Trigger = triggerOf(change);
  return lineageOrder(catalog)
    .filter((image) => affected.has(image))
    .map((image) => {
      const dedupeKey = dedupeKeyFor(catalog, change, image);
      const waitingOn = ancestorsOf(catalog, image).find(
        (ancestor) => affected.has(ancestor) && input.breakers?.get(ancestor)?.state !== 'tripped',
      );
      const skip = skipReasonOf(input, image, dedupeKey, waitingOn);
      const marker = input.markers.get(dedupeKey);
      const resume = skip === undefined && marker?.state === 'claimed';
      const releases = marker?.releases ?? 0;
      const reason =
        skip ??
        (resume
          ? // Stryker disable next-line OptionalChaining: `resume` is true only when the marker exists
            `resuming ${dedupeKey}: claimed by ${changeIdText(marker?.changeId ?? '')} at ${marker?.claimedAt} but not confirmed started`
          : // The id as people read it: its prefix names the trigger (the stored key stays as it is).
            `${trigger} change ${changeIdText(changeId)}${change.kind === 'manual' ? ` requested by ${change.requestedBy}` : ''}`);
      return {
        image,
        outcome: skip === undefined ? 'start' : 'skip',
        reason,
        trigger,
        changeId,
        dedupeKey,
        // A released claim builds again with its own token: Image Builder ignores a request whose token matches a
        // previous one (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_StartImagePipelineExecution.html).
        clientToken: clientTokenFor(releases > 0 ? `${dedupeKey}#${releases}` : dedupeKey),
        resume,
        ...(marker?.state === 'released' ? { reclaims: releases } : {}),
      } satisfies Decision;
    });
}
