import * as z from 'zod';
import { bounded, EVENT_BOUNDS } from './bounds.js';
import { catalogName, eventBridgeEvent } from './envelope.js';
import { CI_SOURCE, DETAIL_TYPES } from './sources.js';

/** Strict: CI writes this by hand, so a misspelt key is an error, not a silently ignored field. */
export const packageUpdateDetailSchema = z.strictObject({
  // Bounded so the change's id and dedupe keys fit the ledger's keys (core/limits/input-bounds.ts).
  package: bounded(EVENT_BOUNDS.packageNameChars),
  version: bounded(EVENT_BOUNDS.packageVersionChars),
  repository: bounded(EVENT_BOUNDS.repositoryChars).optional(),
  /** Limit the rebuild to these catalog images; absent means every image that lists the package. */
  images: z.array(catalogName).min(1, 'must list at least one image when given').optional(),
});

/** "Package Update" from CI (source `goldsmith.ci`): a package Goldsmith's images install has a new version. */
export const packageUpdateSchema = eventBridgeEvent(CI_SOURCE, DETAIL_TYPES.packageUpdate, packageUpdateDetailSchema);

export type PackageUpdateDetail = z.infer<typeof packageUpdateDetailSchema>;
export type PackageUpdateEvent = z.infer<typeof packageUpdateSchema>;
