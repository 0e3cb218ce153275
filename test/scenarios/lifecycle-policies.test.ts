import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogInput } from '../../core/config/schema.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import {
  al2023Image,
  buildLines,
  catalogInput,
  catalogOf,
  childImage,
  devThenProdSoakingAnHour,
  OPENSSL_RELEASES,
  REPO_ROOT,
  opensslRelease as release,
  scenarioBetween,
} from './helpers.js';

const DAY = 86_400_000;

// A base image (two regions) whose AMIs are deprecated 5 days after their build, and an app on it without.
const input = catalogInput(
  {
    base: al2023Image({
      regions: ['us-east-1', 'eu-west-1'],
      triggers: OPENSSL_RELEASES,
      retention: { keep: 2, deprecateAfter: '5d' },
    }),
    app: childImage('base', 'prod', { regions: ['us-east-1'], retention: { keep: 2 } }),
  },
  devThenProdSoakingAnHour(),
);

/** The scenario's first eleven days of January 2027 with `events`. */
const elevenDays = (events: object[]) => scenarioBetween('2027-01-01T00:00:00Z', '2027-01-12T00:00:00Z', { events });

describe('retention.deprecateAfter on the local cloud', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    result = await simulate(
      catalogOf(input),
      elevenDays([release('2027-01-02T08:00:00Z', '3.0.1'), release('2027-01-08T08:00:00Z', '3.0.2')]),
      REPO_ROOT,
      { snapshot: true },
    );
  }, 120_000);

  it('gives every AMI of an image with deprecateAfter a DeprecationTime of its build creation plus 5 days', () => {
    const snapshot = result.snapshot!;
    const built = snapshot.builds.filter((b) => b.image === 'base' && b.status === 'AVAILABLE');
    expect(built.length).toBeGreaterThanOrEqual(2);
    for (const build of built) {
      const amis = snapshot.amis.filter((a) => a.buildVersionArn === build.arn);
      const expected = new Date(Math.round((Date.parse(build.dateCreated) + 5 * DAY) / 60_000) * 60_000);
      expect(amis.map((a) => [a.region, a.deprecationTime])).toEqual([
        ['us-east-1', expected.toISOString()],
        ['eu-west-1', expected.toISOString()],
      ]);
      // Deprecated (hidden from consumers' listings) only from that time on.
      expect(amis.every((a) => a.deprecated === Date.parse(snapshot.at) >= expected.getTime())).toBe(true);
    }
    expect(snapshot.amis.filter((a) => a.deprecated).length).toBeGreaterThan(0);
  });

  it('leaves the AMIs of an image without deprecateAfter (none of them retired yet) undeprecated', () => {
    const snapshot = result.snapshot!;
    const appBuilds = new Set(snapshot.builds.filter((b) => b.image === 'app').map((b) => b.arn));
    const appAmis = snapshot.amis.filter((a) => appBuilds.has(a.buildVersionArn ?? ''));
    expect(appAmis.length).toBeGreaterThan(0);
    expect(result.report.consistency.ok).toBe(true);
    expect(result.report.notifications.filter((n) => n.event === 'retired')).toEqual([]);
    expect(appAmis.map((a) => a.deprecationTime)).toEqual(appAmis.map(() => undefined));
  });
});

describe('revocation.descendants: revoke on the local cloud', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    const cascading = {
      ...input,
      images: {
        base: { ...input.images.base, retention: { keep: 2 }, revocation: { descendants: 'revoke' } },
        app: input.images.app,
      },
    } satisfies CatalogInput;
    result = await simulate(
      catalogOf(cascading),
      elevenDays([
        release('2027-01-02T08:00:00Z', '3.0.1'),
        release('2027-01-04T08:00:00Z', '3.0.2'),
        { at: '2027-01-06T12:00:00Z', kind: 'revoke', image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0001' },
      ]),
      REPO_ROOT,
    );
  }, 120_000);

  it('revokes the app version built on the revoked base version too, once, and rolls its channels back', () => {
    const revoked = result.report.notifications.filter((n) => n.event === 'revoked');
    expect(revoked.map((n) => n.subject)).toEqual(['app 1.0.0/2: revoked', 'base 1.0.0/2: revoked']);
    const rolledBack = result.report.notifications.filter((n) => n.event === 'rolled-back').map((n) => n.subject);
    expect(rolledBack.sort()).toEqual([
      'app/dev: rolled back to 1.0.0/1',
      'app/prod: rolled back to 1.0.0/1',
      'base/dev: rolled back to 1.0.0/1',
      'base/prod: rolled back to 1.0.0/1',
    ]);
    // Then app is rebuilt on the rolled-back base: an out-of-cycle build the revocation triggered, named so.
    expect(buildLines(result, 'app').slice(0, 3)).toEqual([
      'app 1.0.0/1 cascade AVAILABLE',
      'app 1.0.0/2 cascade AVAILABLE',
      'app 1.0.0/3 revocation AVAILABLE',
    ]);
  });

  it('leaves both revoked versions launchable by no one, as the audit counts', () => {
    const { consistency } = result.report;
    expect(consistency.problems).toEqual([]);
    expect(consistency.checks?.['revoked-not-launchable']).toBeGreaterThan(0);
    expect(result.notes).toEqual([]);
  });
});
