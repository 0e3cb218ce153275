import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../../core/triggers/change.js';
import { decideBuilds } from '../../../core/triggers/decide.js';
import { ancestorsOf } from '../../../core/triggers/lineage.js';
import { AL2023, triggerCatalog } from './fixtures.js';

const catalog = triggerCatalog();
const images = Object.keys(catalog.images);
const iso = fc
  .date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2029-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('schedule' as const), image: fc.constantFrom(...images), scheduledTime: iso }),
  fc.record({
    kind: fc.constant('base-image' as const),
    parameter: fc.constant(AL2023),
    region: fc.constant('us-east-1'),
    amiId: fc.stringMatching(/^ami-[0-9a-f]{17}$/),
    observedAt: iso,
  }),
  fc.record({
    kind: fc.constant('package' as const),
    name: fc.constantFrom('openssl', 'openssh', 'java', 'nginx', 'glibc'),
    version: fc.stringMatching(/^\d\.\d\.\d$/),
    source: fc.constantFrom('codeartifact' as const, 'ci' as const),
    observedAt: iso,
  }),
  fc.record({
    kind: fc.constant('cascade' as const),
    parent: fc.constantFrom('base', 'hardened'),
    channel: fc.constantFrom('staging', 'prod'),
    buildVersion: fc.stringMatching(/^1\.0\.0\/\d{1,3}$/),
    promotedAt: iso,
  }),
);
const running = fc
  .subarray(images)
  .map((names) => new Map(names.map((name) => [name, ['1.0.0/9']] as [string, string[]])));

describe('decideBuilds (properties)', () => {
  it('never starts an image together with one of its ancestors, and always decides the same way', () => {
    fc.assert(
      fc.property(change, running, (c, r) => {
        const decisions = decideBuilds({ change: c, catalog, running: r, markers: new Map() });
        const starting = new Set(decisions.filter((d) => d.outcome === 'start').map((d) => d.image));
        for (const image of starting) {
          expect(ancestorsOf(catalog, image).some((a) => starting.has(a))).toBe(false);
          expect(r.has(image)).toBe(false);
        }
        expect(decideBuilds({ change: c, catalog, running: r, markers: new Map() })).toEqual(decisions);
        for (const d of decisions) expect(d.clientToken.length).toBeLessThanOrEqual(36);
      }),
    );
  });

  it('starts nothing for a change whose every key is already started', () => {
    fc.assert(
      fc.property(change, (c) => {
        const first = decideBuilds({ change: c, catalog, running: new Map(), markers: new Map() });
        const markers = new Map(
          first.map((d) => [d.dedupeKey, { state: 'started' as const, changeId: d.changeId, claimedAt: 'earlier' }]),
        );
        const again = decideBuilds({ change: c, catalog, running: new Map(), markers });
        expect(again.filter((d) => d.outcome === 'start')).toEqual([]);
      }),
    );
  });
});
