import * as z from 'zod';
import { parameterName, regionName } from './bounds.js';
import { amiId, eventBridgeEvent, isoTime } from './envelope.js';
import { eventSchemaVersion } from './schema-version.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from './sources.js';

export const baseImageChangedDetailSchema = z.strictObject({
  /** The detail's shape version (events/schema-version.ts): absent in release 0.2.0's events. */
  schemaVersion: eventSchemaVersion,
  /** The public SSM parameter watched, e.g. `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`. */
  parameter: parameterName,
  /** Absent the first time the watcher sees the parameter. */
  previous: amiId.optional(),
  current: amiId,
  region: regionName,
  observedAt: isoTime,
});

/** "Base Image Changed": the hourly SSM watcher saw a public base-image parameter point at a new AMI. */
export const baseImageChangedSchema = eventBridgeEvent(
  GOLDSMITH_SOURCE,
  DETAIL_TYPES.baseImageChanged,
  baseImageChangedDetailSchema,
);

export type BaseImageChangedDetail = z.infer<typeof baseImageChangedDetailSchema>;
export type BaseImageChangedEvent = z.infer<typeof baseImageChangedSchema>;
