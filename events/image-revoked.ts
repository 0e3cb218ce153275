import * as z from 'zod';
import { catalogName, eventBridgeEvent, imageBuildVersionArn, imageVersion, isoTime } from './envelope.js';
import { eventSchemaVersion } from './schema-version.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from './sources.js';

export const imageRevokedDetailSchema = z.strictObject({
  /** The detail's shape version (events/schema-version.ts): absent in release 0.2.0's events. */
  schemaVersion: eventSchemaVersion,
  image: catalogName,
  version: imageVersion,
  buildVersionArn: imageBuildVersionArn,
  /** Channels whose pointers moved back and whose shares were withdrawn. */
  channels: z.array(catalogName),
  reason: z.string().min(1),
  by: z.string().min(1).optional(),
  revokedAt: isoTime,
});

/** "Image Revoked": a promoted image version was withdrawn (CVE, or by hand); consumers roll back. */
export const imageRevokedSchema = eventBridgeEvent(
  GOLDSMITH_SOURCE,
  DETAIL_TYPES.imageRevoked,
  imageRevokedDetailSchema,
);

export type ImageRevokedDetail = z.infer<typeof imageRevokedDetailSchema>;
export type ImageRevokedEvent = z.infer<typeof imageRevokedSchema>;
