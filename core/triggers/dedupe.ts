import { createHash } from 'node:crypto';
import type { Catalog } from '../config/schema.js';
import type { Change } from './change.js';
import { patchCycleOf } from './window.js';

/** StartImagePipelineExecution accepts client tokens of 1–36 characters. */
export const CLIENT_TOKEN_MAX = 36;

function minute(iso: string): string {
  // Scheduler times are whole minutes; trimming seconds keeps a retried invocation in the same key.
  return iso.slice(0, 16);
}

/**
 * The dedupe key of a change for one image: two changes with the same key build once.
 * - An image with a monthly-patch schedule keys its schedule firings and base-image releases by patch cycle
 *   (`patch:<image>:<YYYY-MM>`, see `patchCycleOf`), so the schedule and a base release in the same cycle build once.
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
    case 'base-image':
      return patchZone !== undefined
        ? `patch:${image}:${patchCycleOf(change.observedAt, patchZone)}`
        : `base-image:${image}:${change.parameter}=${change.amiId}`;
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
