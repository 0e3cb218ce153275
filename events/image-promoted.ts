import * as z from 'zod';
import { amiId, catalogName, eventBridgeEvent, imageBuildVersionArn, imageVersion, isoTime } from './envelope.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from './sources.js';

export const imagePromotedDetailSchema = z.strictObject({
  image: catalogName,
  version: imageVersion,
  buildVersionArn: imageBuildVersionArn,
  channel: catalogName,
  amis: z.array(z.strictObject({ region: z.string().min(1), imageId: amiId })).min(1, 'must list at least one AMI'),
  promotedAt: isoTime,
});

/** "Image Promoted": an image version now backs a channel's pointer; children with this parent+channel rebuild. */
export const imagePromotedSchema = eventBridgeEvent(
  GOLDSMITH_SOURCE,
  DETAIL_TYPES.imagePromoted,
  imagePromotedDetailSchema,
);

export type ImagePromotedDetail = z.infer<typeof imagePromotedDetailSchema>;
export type ImagePromotedEvent = z.infer<typeof imagePromotedSchema>;
