import { describe, expect, it } from 'vitest';
import { latestSample, sharesByOu, thresholdsCrossed } from '../../../core/fleet/compliance.js';

describe('patch compliance with instances still on a revoked version', () => {
  it('keeps counting them after EC2 stops reporting on the revoked AMI: the OU is not patched', () => {
    const TEAM = '200000000001';
    const usage = [
      // The revoked version's last report, frozen: EC2 reports on an AMI shared with nobody no more.
      {
        version: '1.0.0/5',
        region: 'us-east-1',
        lastRequestedAt: '2027-05-20T06:00:00Z',
        accounts: { [TEAM]: { instances: 40 } },
      },
      // The cycle's version, reported a day later: the team launched one instance on it.
      {
        version: '1.0.0/6',
        region: 'us-east-1',
        lastRequestedAt: '2027-05-21T06:00:00Z',
        accounts: { [TEAM]: { instances: 1 } },
      },
    ];
    const revoked = new Set(['1.0.0/5']);
    const sample = latestSample(usage, revoked);
    const shares = sharesByOu(sample?.uses ?? [], new Set([TEAM]), () => 'ou-x1y2-prd00001', '1.0.0/6', revoked);
    expect(shares).toEqual([{ ou: 'ou-x1y2-prd00001', patched: 1, instances: 41, lagging: [TEAM] }]);
    expect(thresholdsCrossed(shares[0]!)).toEqual([]);
    // An old observation of a version that is not revoked (deleted, or superseded and no longer reported) is left out.
    expect(latestSample(usage)?.uses.map((u) => u.version)).toEqual(['1.0.0/6']);
  });
});
