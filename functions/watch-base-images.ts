import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { putEvent } from '../aws/promotion/promotion-images.js';
import { recordFailedInvocation } from '../aws/redrive/failed-invocations.js';
import { readParameters } from '../aws/triggers/ssm.js';
import { advanceWatchState, readWatchState } from '../aws/triggers/watch-state.js';
import { watchedParameters } from '../core/triggers/affected.js';
import type { BaseImageChangedDetail } from '../events/base-image-changed.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from '../events/sources.js';
import { bundledCatalog } from './lib/catalog.js';
import { handlerFor } from './lib/middleware.js';
import { logger, metrics } from './lib/powertools.js';

/** The fixed input of the hourly watcher schedule; anything else is not ours. */
export const watchInputSchema = z.strictObject({ watch: z.literal('base-images') });

function busName(): string {
  const name = process.env.EVENT_BUS_NAME;
  if (!name) throw new Error('EVENT_BUS_NAME is not set');
  return name;
}

/**
 * Checks every `ssm:` base parameter the catalog follows, in the home region (where the pipelines resolve their
 * parent), and announces each new value as "Base Image Changed" on Goldsmith's bus, where start-builds takes it.
 *
 * Order matters: announce, then advance the ledger state. A crash in between re-announces next hour, and the
 * announcement carries the AMI id, so start-builds' dedupe keys make the repeat a no-op. The first observation of
 * a parameter only records a baseline: deploying Goldsmith must not rebuild every image at once.
 */
export async function watchBaseImages(now: Date = new Date()): Promise<BaseImageChangedDetail[]> {
  const catalog = bundledCatalog();
  const region = catalog.organization.homeRegion;
  const parameters = watchedParameters(catalog);
  const values = await readParameters(parameters, region);
  const announced: BaseImageChangedDetail[] = [];
  for (const parameter of parameters) {
    const value = values.get(parameter);
    if (!value) throw new Error(`base-image parameter ${parameter} not found in ${region}`);
    const state = await readWatchState(region, parameter);
    if (state && state.version >= value.version) continue;
    const observedAt = now.toISOString();
    if (state && state.value !== value.value) {
      const detail: BaseImageChangedDetail = {
        parameter,
        previous: state.value,
        current: value.value,
        region,
        observedAt,
      };
      await putEvent(busName(), GOLDSMITH_SOURCE, DETAIL_TYPES.baseImageChanged, detail);
      metrics.addMetric('BaseImageChanges', MetricUnit.Count, 1);
      logger.info('base image changed', { ...detail });
      announced.push(detail);
    }
    await advanceWatchState({ region, parameter, value: value.value, version: value.version, observedAt });
  }
  return announced;
}

export const handler = handlerFor({
  name: 'watch-base-images',
  recordFailure: recordFailedInvocation,
  parse: watchInputSchema,
  handle: async () => ({ announced: await watchBaseImages() }),
});
