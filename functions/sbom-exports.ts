import * as z from 'zod';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { pollOpenSbomExports, type SbomExportsReport } from './builds/sbom-exports.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';

/** The schedule's fixed input (stacks/promotion/sbom-exports.ts). */
export const sbomExportsInputSchema = z.strictObject({ sbom: z.literal('exports') });

/**
 * The SBOM export poller: on its schedule it starts the container versions' requested Inspector SBOM exports, polls
 * the running ones and reads the finished ones into the versions' inventories and SBOMs (functions/builds/sbom-exports.ts).
 * A function of its own, so the reconciler's bundle carries no Inspector client.
 */
export const handler = handlerFor({
  name: 'sbom-exports',
  recordFailure: recordFailedInvocation,
  parse: sbomExportsInputSchema,
  handle: async (): Promise<SbomExportsReport> => {
    const containers = Object.entries(bundledCatalog().images)
      .filter(([, spec]) => spec.kind === 'container')
      .map(([image]) => image);
    return pollOpenSbomExports(containers, new Date().toISOString());
  },
});
