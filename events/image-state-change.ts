import * as z from 'zod';
import { eventBridgeEvent, imageBuildVersionArn } from './envelope.js';
import { DETAIL_TYPES, SOURCES } from './sources.js';

/** Image Builder's image statuses (API `ImageState.status`), upper case as the events carry them. */
export const IMAGE_STATUSES = [
  'PENDING',
  'CREATING',
  'BUILDING',
  'TESTING',
  'DISTRIBUTING',
  'INTEGRATING',
  'AVAILABLE',
  'CANCELLED',
  'FAILED',
  'DEPRECATED',
  'DELETED',
  'DISABLED',
] as const;

export const imageStatusSchema = z.enum(IMAGE_STATUSES);

/** The statuses a build ends in: Goldsmith acts only on these. */
export const TERMINAL_BUILD_STATUSES = ['AVAILABLE', 'FAILED', 'CANCELLED'] as const;

const imageStateSchema = z.object({ status: imageStatusSchema, reason: z.string().optional() });

export const imageStateChangeDetailSchema = z.object({
  // Absent on the first transition of a build is plausible; AWS's sample always has it, so it is optional here.
  'previous-state': imageStateSchema.optional(),
  state: imageStateSchema,
});

/**
 * "EC2 Image Builder Image State Change": `resources[0]` is the image build version ARN; the event carries no AMI
 * ids, so the handler calls GetImage.
 */
export const imageStateChangeSchema = eventBridgeEvent(
  SOURCES.imageBuilder,
  DETAIL_TYPES.imageStateChange,
  imageStateChangeDetailSchema,
).extend({ resources: z.tuple([imageBuildVersionArn], z.string()) });

export type ImageStateChangeEvent = z.infer<typeof imageStateChangeSchema>;
