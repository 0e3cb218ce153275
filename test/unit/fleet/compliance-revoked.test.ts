import { describe, expect, it } from 'vitest';
import { latestSample, sharesByOu, thresholdsCrossed } from '../../../core/fleet/compliance.js';

const TEAM = '200000000001';
const OTHER = '200000000002';
const OU = 'ou-x1y2-prd00001';
const revoked = new Set(['1.0.0/5']);
/** The revoked version's last report, frozen: the sweep asks about a version shared with nobody no more. */
const frozen = {
  version: '1.0.0/5',
  region: 'us-east-1',
  lastRequestedAt: '2027-05-20T06:00:00Z',
  accounts: { [TEAM]: { instances: 40 } },
};
const onNew = (accounts: Record<string, { instances: number }>, region = 'us-east-1') => ({
  version: '1.0.0/6',
  region,
  lastRequestedAt: '2027-05-21T06:00:00Z',
  accounts,
});
const shares = (usage: Parameters<typeof latestSample>[0]) =>
  sharesByOu(latestSample(usage, revoked)?.uses ?? [], new Set([TEAM, OTHER]), () => OU, '1.0.0/6', revoked);

describe('patch compliance with instances still on a revoked version', () => {
  it('keeps counting them after EC2 stops reporting on the revoked AMI while nothing newer names the account', () => {
    const usage = [frozen, onNew({ [OTHER]: { instances: 1 } })];
    expect(shares(usage)).toEqual([{ ou: OU, patched: 1, instances: 41, lagging: [TEAM] }]);
    expect(thresholdsCrossed(shares(usage)[0]!)).toEqual([]);
    // An old observation of a version that is not revoked (deleted, or superseded and no longer reported) is left out.
    expect(latestSample(usage)?.uses.map((u) => u.version)).toEqual(['1.0.0/6']);
  });

  it("stops counting the revoked version's last reading once a newer report in its Region names the account", () => {
    const usage = [frozen, onNew({ [TEAM]: { instances: 12 } })];
    expect(shares(usage)).toEqual([{ ou: OU, patched: 12, instances: 12, lagging: [] }]);
    expect(thresholdsCrossed(shares(usage)[0]!)).toEqual([50, 90, 100]);
  });

  it("keeps the reading where the newer report is of another Region: the account's us-east-1 fleet was not seen move", () => {
    const usage = [frozen, onNew({ [TEAM]: { instances: 12 } }, 'eu-west-1')];
    expect(shares(usage)).toEqual([{ ou: OU, patched: 12, instances: 52, lagging: [TEAM] }]);
  });
});
