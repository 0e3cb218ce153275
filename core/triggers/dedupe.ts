import { createHash } from 'node:crypto';
import type { Catalog } from '../config/schema.js';
import { nextMonthlyPatch } from '../schedule/index.js';
import type { Change } from './change.js';
import { patchCycleOf } from './window.js';

/** A base release this close to an image's patch build (before or after) is folded into that one build. */
export const PATCH_COALESCE_MS = 24 * 3_600_000;

/** StartImagePipelineExecution accepts client tokens of 1–36 characters. */
export const CLIENT_TOKEN_MAX = 36;

function minute(iso: string): string {
  // Scheduler times are whole minutes; trimming seconds keeps a retried invocation in the same key.
  return iso.slice(0, 16);
}

/**
 * The dedupe key of a change for one image: two changes with the same key build once.
 * - An image with a monthly-patch schedule keys its schedule firings by patch cycle (`patch:<image>:<YYYY-MM>`, see
 *   `patchCycleOf`). A base release within 24 hours of that cycle's patch build shares the key, so a schedule and a
 *   base release in the same window build once; a release mid-cycle is a new base and builds on its own.
 * - Otherwise the key is the changed input's identity: the cron firing minute, the parameter's new AMI, the
 *   package version, the promoted parent build, or the manual request id.
 */
export function dedupeKeyFor(catalog: Catalog, change: Change, image: string): string {
  const schedule = catalog.images[image]?.schedule;
  const patchZone = schedule?.type === 'monthly-patch' ? schedule.timezone : undefined;
  switch (change.kind) {
    case 'schedule':
      return patchZone !== undefined
        ? `patch:${image}:${patchCycleOf(change.scheduledTime, patchZone)}`
        : `schedule:${image}:${minute(change.scheduledTime)}`;
    case 'base-image': {
      if (schedule?.type === 'monthly-patch') {
        const observed = Date.parse(change.observedAt);
        const patch = nextMonthlyPatch(schedule, new Date(observed - PATCH_COALESCE_MS));
        if (patch.getTime() - observed <= PATCH_COALESCE_MS) {
          return `patch:${image}:${patchCycleOf(patch.toISOString(), schedule.timezone)}`;
        }
      }
      return `base-image:${image}:${change.parameter}=${change.amiId}`;
    }
    case 'package':
      return `package:${image}:${change.name}@${change.version}`;
    case 'cascade':
      return `cascade:${image}:${change.parent}/${change.channel}@${change.buildVersion}`;
    case 'manual':
      return `manual:${image}:${change.requestId}`;
  }
}

/**
 * The StartImagePipelineExecution client token for a dedupe key: 32 hex characters of its SHA-256, so the same
 * key always sends the same token and Image Builder itself refuses a second build for it.
 */
export function clientTokenFor(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32);
}
