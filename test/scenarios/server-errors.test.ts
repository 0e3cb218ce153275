import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import {
  childImage,
  devThenApprovedProd,
  everyTriggerCatalog,
  opensslRelease,
  run,
  scenarioBetween,
} from './helpers.js';

// A base image on January's patch schedule and an openssl release, and an app built on base's prod pointer: two
// builds of each, every one through dev and an approved prod. The full quarter (default catalog and scenario) is
// measured by hand; this is its short form, fast enough for every test run.
const catalog = everyTriggerCatalog(
  { app: childImage('base', 'prod', { regions: ['us-east-1'] }) },
  devThenApprovedProd(),
);

const scenario = (errorRate: number) =>
  scenarioBetween('2027-01-13T00:00:00Z', '2027-01-20T00:00:00Z', {
    events: [opensslRelease('2027-01-17T10:00:00Z', '3.0.16')],
    faults: { errorRate },
    seed: 7,
  });

const count = (keys: string[]) => {
  const counts: Record<string, number> = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
};
const buildsPerImage = (r: SimulationResult) =>
  count(r.report.builds.filter((b) => b.status === 'AVAILABLE').map((b) => b.image));
const promotedPerChannel = (r: SimulationResult) =>
  count(r.report.promotions.filter((p) => p.outcome === 'promoted').map((p) => `${p.image}/${p.channel}`));

describe('half of every AWS call failing with a server error', () => {
  let clean: SimulationResult;
  let half: SimulationResult;

  beforeAll(async () => {
    clean = await run(catalog, scenario(0));
    half = await run(catalog, scenario(0.5));
  }, 600_000);

  it('builds what the clean run builds, per image', () => {
    expect(buildsPerImage(half)).toEqual(buildsPerImage(clean));
    expect(buildsPerImage(clean)).toEqual({ base: 2, app: 2 });
  });

  it('promotes what the clean run promotes, per image and channel, and nothing ends on a transient error', () => {
    expect(promotedPerChannel(half)).toEqual(promotedPerChannel(clean));
    expect(promotedPerChannel(clean)).toEqual({ 'base/dev': 2, 'base/prod': 2, 'app/dev': 2, 'app/prod': 2 });
    expect(half.report.promotions.every((p) => p.outcome === 'promoted')).toBe(true);
    expect(half.report.consistency).toMatchObject({ ok: true, problems: [] });
    expect(half.report.consistency.checks?.['no-transient-outcomes']).toBe(half.report.promotions.length);
  });

  it('really fails calls past the SDK retries, which retry every call to the end (no retry quota drained)', () => {
    const { faults } = half.report;
    expect(faults.injected).toBeGreaterThan(100);
    // Six attempts per call: about one call in 64 fails past them, waited out by Step Functions' and Lambda's retries.
    expect(faults.failedCalls).toBeGreaterThan(0);
    expect(faults.failedCalls).toBeLessThan(faults.injected / 10);
    expect(faults.retried).toBeGreaterThan(faults.injected * 0.9);
    expect(clean.report.faults).toMatchObject({ injected: 0, failedCalls: 0, redriven: 0 });
  });
});
