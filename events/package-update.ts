import * as z from 'zod';
import { catalogName, eventBridgeEvent } from './envelope.js';
import { CI_SOURCE, DETAIL_TYPES } from './sources.js';

/** Strict: CI writes this by hand, so a misspelt key is an error, not a silently ignored field. */
export const packageUpdateDetailSchema = z.strictObject({
  package: z.string().min(1),
  version: z.string().min(1),
  repository: z.string().min(1).optional(),
  /** Limit the rebuild to these catalog images; absent means every image that lists the package. */
  images: z.array(catalogName).min(1, 'must list at least one image when given').optional(),
});

/** "Package Update" from CI (source `goldsmith.ci`): a package Goldsmith's images install has a new version. */
export const packageUpdateSchema = eventBridgeEvent(CI_SOURCE, DETAIL_TYPES.packageUpdate, packageUpdateDetailSchema);

export type PackageUpdateDetail = z.infer<typeof packageUpdateDetailSchema>;
export type PackageUpdateEvent = z.infer<typeof packageUpdateSchema>;
