import * as z from 'zod';
import { amiId, catalogName, eventBridgeEvent, imageBuildVersionArn, imageVersion, isoTime } from './envelope.js';
import { eventSchemaVersion } from './schema-version.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from './sources.js';

/** A container image by digest, as its channel pointer holds it: `<registry>/<repo>@sha256:<64 hex>`. */
const containerDigestUri = z
  .string()
  .regex(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9][a-z0-9._/-]*@sha256:[0-9a-f]{64}$/, {
    message: 'must be an ECR image URI by digest (<registry>/<repository>@sha256:<digest>)',
  });

export const imagePromotedDetailSchema = z
  .strictObject({
    /** The detail's shape version (events/schema-version.ts): absent in release 0.2.0's events. */
    schemaVersion: eventSchemaVersion,
    image: catalogName,
    version: imageVersion,
    buildVersionArn: imageBuildVersionArn,
    channel: catalogName,
    amis: z.array(z.strictObject({ region: z.string().min(1), imageId: amiId })),
    /** Container images: the digest the channel's tag and pointer name, per region. */
    containers: z.array(z.strictObject({ region: z.string().min(1), imageUri: containerDigestUri })).optional(),
    promotedAt: isoTime,
  })
  .refine((d) => d.amis.length > 0 || (d.containers?.length ?? 0) > 0, {
    message: 'must list at least one AMI or container image',
    path: ['amis'],
  });

/** "Image Promoted": an image version now backs a channel's pointer; children with this parent+channel rebuild. */
export const imagePromotedSchema = eventBridgeEvent(
  GOLDSMITH_SOURCE,
  DETAIL_TYPES.imagePromoted,
  imagePromotedDetailSchema,
);

export type ImagePromotedDetail = z.infer<typeof imagePromotedDetailSchema>;
export type ImagePromotedEvent = z.infer<typeof imagePromotedSchema>;
