import * as z from 'zod';
import { catalogName, eventBridgeEvent, imageBuildVersionArn, imageVersion, isoTime } from './envelope.js';
import { eventSchemaVersion } from './schema-version.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from './sources.js';

export const imageRejectedDetailSchema = z.strictObject({
  /** The detail's shape version (events/schema-version.ts): absent in release 0.2.0's events. */
  schemaVersion: eventSchemaVersion,
  image: catalogName,
  version: imageVersion,
  buildVersionArn: imageBuildVersionArn,
  /** The channel whose gate, approval or soak refused it; absent when the build-level gate did. */
  channel: catalogName.optional(),
  reason: z.string().min(1),
  /** Who rejected it, when a person did. */
  by: z.string().min(1).optional(),
  rejectedAt: isoTime,
});

/** "Image Rejected": promotion stopped for an image version; it will never be shared or pointed at. */
export const imageRejectedSchema = eventBridgeEvent(
  GOLDSMITH_SOURCE,
  DETAIL_TYPES.imageRejected,
  imageRejectedDetailSchema,
);

export type ImageRejectedDetail = z.infer<typeof imageRejectedDetailSchema>;
export type ImageRejectedEvent = z.infer<typeof imageRejectedSchema>;
