import { describe, expect, it } from 'vitest';
import type { UsageItem } from '../../../aws/fleet/usage-ledger.js';
import { USAGE_IDLE_REFRESH_SECONDS, USAGE_REFRESH_SECONDS } from '../../../core/fleet/usage.js';
import { cadenceOf } from '../../../functions/lifecycle/usage-cadence.js';

const NOW = '2027-03-01T06:00:00.000Z';
const LONG_AGO = '2027-01-01T06:00:00.000Z';
const builds = [
  { version: '1.0.0', promotions: [{ channel: 'prod', at: LONG_AGO }] },
  { version: '1.1.0', promotions: [{ channel: 'prod', at: LONG_AGO }] },
  { version: '0.9.0', promotions: [{ channel: 'prod', at: LONG_AGO }], deletedAt: LONG_AGO },
];
const item = (version: string, region: string, instances = 0): UsageItem => ({
  sk: `USAGE#${version}#${region}`,
  image: 'app',
  version,
  region,
  imageId: `ami-${version}-${region}`,
  observedAt: LONG_AGO,
  instances,
  launchTemplates: 0,
});
const cadence = { pointed: new Set(['1.1.0']), deleteAfterSeconds: 30 * 86_400 };

describe("the sweep's report period per AMI over one pass's observations", () => {
  it('asks daily in the Regions where a version runs and weekly where it does not', () => {
    const pass = cadenceOf(builds, [item('1.0.0', 'eu-west-1', 3), item('1.0.0', 'us-east-1')], NOW, cadence);
    expect(pass.refreshFor('1.0.0', 'eu-west-1')).toBe(USAGE_REFRESH_SECONDS);
    expect(pass.refreshFor('1.0.0', 'us-east-1')).toBe(USAGE_IDLE_REFRESH_SECONDS);
    // The pointed version follows daily while anything of the image runs.
    expect(pass.refreshFor('1.1.0', 'us-east-1')).toBe(USAGE_REFRESH_SECONDS);
  });

  it('follows the observations recorded during the pass, and ignores use of a deleted version', () => {
    const items = [item('1.0.0', 'eu-west-1', 3), item('0.9.0', 'eu-west-1', 5)];
    const pass = cadenceOf(builds, items, NOW, cadence);
    const [running] = items;
    if (!running) throw new Error('unreachable');
    pass.observe(running, () => Object.assign(running, { instances: 0 }));
    // Nothing live runs any more: the pointed version drops to weekly, as the version that stopped.
    expect(pass.refreshFor('1.1.0', 'us-east-1')).toBe(USAGE_IDLE_REFRESH_SECONDS);
    expect(pass.refreshFor('1.0.0', 'eu-west-1')).toBe(USAGE_IDLE_REFRESH_SECONDS);
    pass.add(item('1.0.0', 'us-east-1', 2));
    expect(pass.refreshFor('1.0.0', 'us-east-1')).toBe(USAGE_REFRESH_SECONDS);
    expect(pass.refreshFor('1.1.0', 'eu-west-1')).toBe(USAGE_REFRESH_SECONDS);
  });

  it('asks daily without a cadence', () => {
    expect(cadenceOf(builds, [], NOW).refreshFor('1.0.0', 'eu-west-1')).toBe(USAGE_REFRESH_SECONDS);
  });
});
