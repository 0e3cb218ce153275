import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { buildLines, catalogOf, run, scenarioOf } from './helpers.js';

const AL2023 = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

// A base image on a monthly patch schedule that also follows base releases and openssl, and a child that follows
// the base's dev channel: every change reaches Goldsmith three times.
const catalog = catalogOf({
  organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' },
  images: {
    base: {
      parent: `ssm:${AL2023}`,
      components: [{ managed: 'update-linux' }],
      regions: ['us-east-1', 'eu-west-1'],
      schedule: { type: 'monthly-patch', daysAfterPatchTuesday: 2, at: '03:00', timezone: 'Europe/London' },
      triggers: { baseImage: true, packages: ['openssl'] },
    },
    child: {
      parent: { image: 'base', channel: 'dev' },
      components: [{ managed: 'update-linux' }],
      regions: ['us-east-1', 'eu-west-1'],
      triggers: { baseImage: false, packages: [] },
    },
  },
  channels: [{ name: 'dev', targets: { ous: ['ou-x1y2-dev00001'] } }],
});

describe('triggers on the local cloud: three patch windows, a base release and a package release, each delivered three times', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    result = await run(
      catalog,
      scenarioOf({
        start: '2027-01-01T00:00:00Z',
        until: '2027-03-20T00:00:00Z',
        organization: { accountsPerOu: 1 },
        events: [
          { at: '2027-01-20T09:00:00Z', kind: 'base-image-release', parameter: AL2023 },
          { at: '2027-02-03T10:00:00Z', kind: 'package-release', package: 'openssl', version: '3.0.16' },
        ],
        faults: { deliverEachEventTimes: 3 },
      }),
    );
  }, 600_000);

  it('builds the base exactly once per change, with the change as its trigger', () => {
    expect(buildLines(result, 'base')).toEqual([
      'base 1.0.0/1 schedule AVAILABLE',
      'base 1.0.0/2 base-image AVAILABLE',
      'base 1.0.0/3 package AVAILABLE',
      'base 1.0.0/4 schedule AVAILABLE',
      'base 1.0.0/5 schedule AVAILABLE',
    ]);
    expect(result.report.builds.find((b) => b.version === '1.0.0/1' && b.image === 'base')?.requestedAt).toBe(
      '2027-01-14T03:00:00.000Z',
    );
  });

  it('rebuilds the child once after each base build reaches its channel', () => {
    expect(buildLines(result, 'child')).toEqual([1, 2, 3, 4, 5].map((n) => `child 1.0.0/${n} cascade AVAILABLE`));
  });

  it('asks Image Builder for one execution per build, and suppresses every re-delivery', () => {
    expect(result.report.apiCalls['imagebuilder:StartImagePipelineExecution']).toBe(10);
    // Two extra copies of every schedule firing, event and notice reached Goldsmith and changed nothing.
    expect(result.report.duplicatesSuppressed).toBeGreaterThanOrEqual(2 * 10);
    expect(result.report.consistency.ok).toBe(true);
    expect(result.report.rejectedEvents).toEqual([]);
  });

  it('ends consistent: every pointer names a promoted build', () => {
    expect(result.report.consistency).toMatchObject({ ok: true, problems: [] });
    expect(Object.keys(result.report.pointers).sort()).toEqual(['base/dev', 'child/dev']);
  });
});
