import type * as z from 'zod';
import { amazonLinuxAmiUpdateSchema } from './amazon-linux-ami-update.js';
import { baseImageChangedSchema } from './base-image-changed.js';
import { imageCveDetectedSchema } from './image-cve-detected.js';
import { imagePipelineAutoDisabledSchema } from './image-pipeline-auto-disabled.js';
import { imagePromotedSchema } from './image-promoted.js';
import { imageRebuildRequestedSchema } from './image-rebuild-requested.js';
import { imageRejectedSchema } from './image-rejected.js';
import { imageRevokedSchema } from './image-revoked.js';
import { imageStateChangeSchema } from './image-state-change.js';
import { inspectorFindingSchema } from './inspector-finding.js';
import { packageUpdateSchema } from './package-update.js';
import { packageVersionStateChangeSchema } from './package-version-state-change.js';
import { scheduledBuildSchema } from './scheduled-build.js';
import { DETAIL_TYPES, SOURCES } from './sources.js';

/** Every EventBridge event Goldsmith receives or emits: its source, detail-type and schema, by kind. */
export const BUS_EVENTS = {
  'image-state-change': {
    source: SOURCES.imageBuilder,
    detailType: DETAIL_TYPES.imageStateChange,
    schema: imageStateChangeSchema,
  },
  'image-cve-detected': {
    source: SOURCES.imageBuilder,
    detailType: DETAIL_TYPES.imageCveDetected,
    schema: imageCveDetectedSchema,
  },
  'image-pipeline-auto-disabled': {
    source: SOURCES.imageBuilder,
    detailType: DETAIL_TYPES.imagePipelineAutoDisabled,
    schema: imagePipelineAutoDisabledSchema,
  },
  'inspector-finding': {
    source: SOURCES.inspector,
    detailType: DETAIL_TYPES.inspectorFinding,
    schema: inspectorFindingSchema,
  },
  'package-version-state-change': {
    source: SOURCES.codeArtifact,
    detailType: DETAIL_TYPES.packageVersionStateChange,
    schema: packageVersionStateChangeSchema,
  },
  'package-update': { source: SOURCES.ci, detailType: DETAIL_TYPES.packageUpdate, schema: packageUpdateSchema },
  'image-promoted': { source: SOURCES.goldsmith, detailType: DETAIL_TYPES.imagePromoted, schema: imagePromotedSchema },
  'base-image-changed': {
    source: SOURCES.goldsmith,
    detailType: DETAIL_TYPES.baseImageChanged,
    schema: baseImageChangedSchema,
  },
  'image-rejected': { source: SOURCES.goldsmith, detailType: DETAIL_TYPES.imageRejected, schema: imageRejectedSchema },
  'image-revoked': { source: SOURCES.goldsmith, detailType: DETAIL_TYPES.imageRevoked, schema: imageRevokedSchema },
  'image-rebuild-requested': {
    source: SOURCES.goldsmith,
    detailType: DETAIL_TYPES.imageRebuildRequested,
    schema: imageRebuildRequestedSchema,
  },
} as const;

/** Inputs that reach our functions without an EventBridge envelope. */
export const OTHER_INPUTS = {
  'scheduled-build': { schema: scheduledBuildSchema },
  'amazon-linux-ami-update': { schema: amazonLinuxAmiUpdateSchema },
} as const;

export type BusEventKind = keyof typeof BUS_EVENTS;
export type EventKind = BusEventKind | keyof typeof OTHER_INPUTS;

type SchemaOf<K extends EventKind> = K extends BusEventKind
  ? (typeof BUS_EVENTS)[K]['schema']
  : K extends keyof typeof OTHER_INPUTS
    ? (typeof OTHER_INPUTS)[K]['schema']
    : never;

/** The parsed (output) type of an event of kind `K`. */
export type EventOf<K extends EventKind> = z.output<SchemaOf<K>>;

export const EVENT_KINDS = [...Object.keys(BUS_EVENTS), ...Object.keys(OTHER_INPUTS)] as EventKind[];

/** The zod schema for a kind: for handlers that parse with Powertools' `parser` middleware. */
export function schemaFor<K extends EventKind>(kind: K): SchemaOf<K> {
  const entry = kind in BUS_EVENTS ? BUS_EVENTS[kind as BusEventKind] : OTHER_INPUTS[kind as keyof typeof OTHER_INPUTS];
  return entry.schema as SchemaOf<K>;
}
