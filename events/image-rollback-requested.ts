import * as z from 'zod';
import { catalogName, eventBridgeEvent, imageVersion, isoTime } from './envelope.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from './sources.js';

export const imageRollbackRequestedDetailSchema = z.strictObject({
  image: catalogName,
  channel: catalogName,
  /** The version the pointer named when the rollback was decided: a pointer that moved since is left alone. */
  from: imageVersion,
  /** The earlier promoted version to go back to; absent: the newest earlier launchable one. */
  to: imageVersion.optional(),
  reason: z.string().min(1),
  by: z.string().min(1),
  requestedAt: isoTime,
});

/** "Image Rollback Requested": an operator moves a channel's pointer back, without revoking anything. */
export const imageRollbackRequestedSchema = eventBridgeEvent(
  GOLDSMITH_SOURCE,
  DETAIL_TYPES.imageRollbackRequested,
  imageRollbackRequestedDetailSchema,
);

export type ImageRollbackRequestedDetail = z.infer<typeof imageRollbackRequestedDetailSchema>;
