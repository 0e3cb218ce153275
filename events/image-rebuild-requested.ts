import * as z from 'zod';
import { bounded, EVENT_BOUNDS } from './bounds.js';
import { catalogName, eventBridgeEvent, isoTime } from './envelope.js';
import { eventSchemaVersion } from './schema-version.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from './sources.js';

export const imageRebuildRequestedDetailSchema = z.strictObject({
  /** The detail's shape version (events/schema-version.ts): absent in release 0.2.0's events. */
  schemaVersion: eventSchemaVersion,
  image: catalogName,
  /** Makes the request idempotent: the same id builds once (e.g. `finding:1.0.0/3:CVE-2027-0001`). */
  requestId: bounded(EVENT_BOUNDS.requestIdChars),
  reason: bounded(EVENT_BOUNDS.reasonChars),
  requestedBy: bounded(EVENT_BOUNDS.principalChars),
  requestedAt: isoTime,
});

/**
 * "Image Rebuild Requested": build an image now, out of cycle — a new finding over policy on a live version, or a
 * revoked parent whose children must be rebuilt on the rolled-back one. start-builds treats it as a manual build.
 */
export const imageRebuildRequestedSchema = eventBridgeEvent(
  GOLDSMITH_SOURCE,
  DETAIL_TYPES.imageRebuildRequested,
  imageRebuildRequestedDetailSchema,
);

export type ImageRebuildRequestedDetail = z.infer<typeof imageRebuildRequestedDetailSchema>;
