import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { accessCatalog, buildLines, promotedLines, run, scenarioBetween } from './helpers.js';

const catalog = accessCatalog();

// CI's principal puts "Package Update" for openssl 3.0.20 two days before 3.0.20 is released (nothing published to
// the repository the builds install from); the real release is announced on the 4th.
const forgedFuture = {
  at: '2027-02-02T10:00:00Z',
  as: 'ci',
  event: {
    version: '0',
    id: 'ci-openssl-3.0.20-early',
    'detail-type': 'Package Update',
    source: 'goldsmith.ci',
    account: '123456789012',
    time: '2027-02-02T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { package: 'openssl', version: '3.0.20' },
  },
};
const realRelease = { at: '2027-02-04T10:00:00Z', kind: 'ci-package-update', package: 'openssl', version: '3.0.20' };

describe('a CI principal announcing a package version before its release', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    result = await run(
      catalog,
      scenarioBetween('2027-02-01T00:00:00Z', '2027-02-07T00:00:00Z', { events: [forgedFuture, realRelease] }),
    );
  }, 240_000);

  it('builds on the early announcement, and again on the real release, instead of skipping it as a duplicate', () => {
    expect(buildLines(result)).toEqual(['base 1.0.0/1 package AVAILABLE', 'base 1.0.0/2 package AVAILABLE']);
  });

  it('promotes both builds as usual: the early one is a rebuild of what was released', () => {
    expect(promotedLines(result)).toEqual(['base 1.0.0/1 dev', 'base 1.0.0/2 dev']);
  });

  it('announces once that the early build does not hold the announced version', () => {
    const refused = result.report.notifications.filter((n) => n.event === 'claim-refused');
    expect(refused.map((n) => [n.image, n.subject])).toEqual([
      ['base', 'Refused a package release built into base 1.0.0/1: the build does not hold it'],
    ]);
    expect(result.report.consistency.problems).toEqual([]);
  });
});
