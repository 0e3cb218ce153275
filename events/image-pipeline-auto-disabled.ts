import * as z from 'zod';
import { eventBridgeEvent } from './envelope.js';
import { DETAIL_TYPES, SOURCES } from './sources.js';

const imagePipelineArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:\d{12}:image-pipeline\/[A-Za-z0-9-_]+$/,
    'must be an Image Builder image pipeline ARN',
  );

export const imagePipelineAutoDisabledDetailSchema = z.object({
  // AWS's sample sends the count as a JSON string ("5"); accept a number too, and hand handlers a number.
  'consecutive-failures': z
    .union([z.number().int(), z.string().regex(/^\d+$/, 'must be a whole number')])
    .transform((value) => Number(value))
    .pipe(z.number().int().min(1)),
});

/** "EC2 Image Builder Image Pipeline Automatically Disabled": `resources[0]` is the disabled pipeline's ARN. */
export const imagePipelineAutoDisabledSchema = eventBridgeEvent(
  SOURCES.imageBuilder,
  DETAIL_TYPES.imagePipelineAutoDisabled,
  imagePipelineAutoDisabledDetailSchema,
).extend({ resources: z.tuple([imagePipelineArn], z.string()) });

export type ImagePipelineAutoDisabledEvent = z.infer<typeof imagePipelineAutoDisabledSchema>;
