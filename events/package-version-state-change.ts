import * as z from 'zod';
import { bounded, EVENT_BOUNDS } from './bounds.js';
import { accountId, eventBridgeEvent } from './envelope.js';
import { DETAIL_TYPES, SOURCES } from './sources.js';

export const PACKAGE_VERSION_STATES = ['Unfinished', 'Published', 'Unlisted', 'Archived', 'Disposed'] as const;

const count = z.number().int().min(0);

export const packageVersionStateChangeDetailSchema = z.object({
  domainName: bounded(EVENT_BOUNDS.repositoryChars),
  domainOwner: accountId,
  repositoryName: bounded(EVENT_BOUNDS.repositoryChars),
  repositoryAdministrator: accountId,
  packageFormat: z.string().min(1),
  // npm packages without a scope carry an explicit null here.
  packageNamespace: z.string().max(EVENT_BOUNDS.repositoryChars).nullable(),
  // Bounded so the change's id and dedupe keys fit the ledger's keys (core/limits/input-bounds.ts).
  packageName: bounded(EVENT_BOUNDS.packageNameChars),
  packageVersion: bounded(EVENT_BOUNDS.packageVersionChars),
  packageVersionState: z.enum(PACKAGE_VERSION_STATES),
  packageVersionRevision: z.string().min(1),
  changes: z.object({
    assetsAdded: count,
    assetsRemoved: count,
    assetsUpdated: count,
    metadataUpdated: z.boolean(),
    statusChanged: z.boolean(),
  }),
  operationType: z.enum(['Created', 'Updated', 'Deleted']),
  sequenceNumber: z.number().int(),
  /** Same id on a duplicate delivery: the natural idempotency key. */
  eventDeduplicationId: z.string().min(1),
});

/** CodeArtifact's "CodeArtifact Package Version State Change" (its only detail-type). */
export const packageVersionStateChangeSchema = eventBridgeEvent(
  SOURCES.codeArtifact,
  DETAIL_TYPES.packageVersionStateChange,
  packageVersionStateChangeDetailSchema,
);

export type PackageVersionStateChangeEvent = z.infer<typeof packageVersionStateChangeSchema>;
