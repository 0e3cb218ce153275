import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import {
  AL2023,
  buildLines,
  childImage,
  devChannel,
  everyTriggerCatalog,
  opensslRelease,
  run,
  scenarioBetween,
} from './helpers.js';

// A base image on a monthly patch schedule that also follows base releases and openssl, and a child that follows
// the base's dev channel: every change reaches Goldsmith three times.
const child = childImage('base', 'dev', { regions: ['us-east-1', 'eu-west-1'] });
const catalog = everyTriggerCatalog({ child }, [devChannel()]);

describe('triggers on the local cloud: three patch windows, a base release and a package release, each delivered three times', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    result = await run(
      catalog,
      // From the day before January's patch window (Thursday 14 January, 03:00) to noon of March's (Thursday 11
      // March): its build and the child's are done by then.
      scenarioBetween('2027-01-13T00:00:00Z', '2027-03-11T12:00:00Z', {
        events: [
          { at: '2027-01-20T09:00:00Z', kind: 'base-image-release', parameter: AL2023 },
          opensslRelease('2027-02-03T10:00:00Z', '3.0.16'),
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
