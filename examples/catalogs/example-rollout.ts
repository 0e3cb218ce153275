import { defineConfig } from '../../core/config/define.js';
import type { CatalogInput } from '../../core/config/schema.js';
import example from '../../goldsmith.config.js';

type Rollout = NonNullable<CatalogInput['channels'][number]['rollout']>;

/** The example catalog (goldsmith.config.ts) with its prod channel rolled out as `rollout` says. */
export function withProdRollout(rollout: Rollout): CatalogInput {
  return {
    ...example,
    channels: example.channels.map((c) => (c.name === 'prod' ? { ...c, rollout } : c)),
  };
}

/**
 * The example catalog with prod rolled out to the Auto Scaling groups that follow it (docs/rollout.md): the first
 * prod OU is the canary wave, the second follows once the canary's refreshes are healthy and baked.
 * Its component files are the example's (`components` here links to the repository's).
 */
export default defineConfig(
  withProdRollout({
    waves: [
      { name: 'canary', ous: ['ou-x1y2-prd00001'] },
      { name: 'rest', ous: ['ou-x1y2-prd00002'] },
    ],
    bakeMinutes: 60,
    alarms: ['app-5xx'],
  }),
);
