import { describe, expect, it } from 'vitest';
import type { Change } from '../../../core/triggers/change.js';
import { type DecideInput, type Decision, decideBuilds, type KnownMarker } from '../../../core/triggers/decide.js';
import { CLIENT_TOKEN_MAX, clientTokenFor, dedupeKeyFor } from '../../../core/triggers/dedupe.js';
import { AL2, AL2023, triggerCatalog } from './fixtures.js';

const catalog = triggerCatalog();

function decide(change: Change, extra: Partial<Omit<DecideInput, 'change' | 'catalog'>> = {}): Decision[] {
  return decideBuilds({ change, catalog, running: new Map(), markers: new Map(), ...extra });
}

function summary(decisions: Decision[]): string[] {
  return decisions.map((d) => `${d.image}:${d.outcome}`);
}

const baseRelease = (observedAt: string, amiId = 'ami-0123456789abcdef0'): Change => ({
  kind: 'base-image',
  parameter: AL2023,
  region: 'us-east-1',
  amiId,
  observedAt,
});
const openssl: Change = {
  kind: 'package',
  name: 'openssl',
  version: '3.0.16',
  source: 'codeartifact',
  observedAt: '2027-02-03T10:00:00Z',
};

describe('decideBuilds: which images a change affects, in lineage order', () => {
  it.each<[string, Change, string[]]>([
    [
      'a patch-day schedule starts its image',
      { kind: 'schedule', image: 'base', scheduledTime: '2027-01-14T03:00:00Z' },
      ['base:start'],
    ],
    [
      'a cron schedule starts its image',
      { kind: 'schedule', image: 'web', scheduledTime: '2027-01-17T04:00:00Z' },
      ['web:start'],
    ],
    [
      'a base release starts every image on that parameter that follows base releases',
      baseRelease('2027-01-20T09:00:00Z'),
      ['base:start', 'tools:start'],
    ],
    [
      'an AL2 release starts nothing when its only image ignores base releases',
      {
        kind: 'base-image',
        parameter: AL2,
        region: 'us-east-1',
        amiId: 'ami-0aaaaaaaaaaaaaaaa',
        observedAt: '2027-01-20T09:00:00Z',
      },
      [],
    ],
    [
      'a package starts the topmost image that lists it and makes its descendants wait',
      openssl,
      ['base:start', 'hardened:skip', 'app:skip'],
    ],
    [
      'a package only a child lists starts that child',
      { kind: 'package', name: 'openssh', version: '9.9', source: 'ci', observedAt: '2027-02-03T10:00:00Z' },
      ['hardened:start'],
    ],
    [
      "CI's image filter narrows a package release",
      { ...openssl, source: 'ci', images: ['app'] } as Change,
      ['app:start'],
    ],
    [
      'a promotion starts the children following that channel only',
      {
        kind: 'cascade',
        parent: 'base',
        channel: 'staging',
        buildVersion: '1.0.0/4',
        promotedAt: '2027-01-16T00:00:00Z',
      },
      ['hardened:start'],
    ],
    [
      'a promotion to another channel starts the children following that one',
      { kind: 'cascade', parent: 'base', channel: 'prod', buildVersion: '1.0.0/4', promotedAt: '2027-01-16T00:00:00Z' },
      ['edge:start'],
    ],
    [
      'a manual request starts the named image',
      {
        kind: 'manual',
        image: 'app',
        requestId: 'req-1',
        requestedBy: 'ops-lead',
        requestedAt: '2027-01-16T00:00:00Z',
      },
      ['app:start'],
    ],
    [
      'a schedule for an image no longer in the catalog starts nothing',
      { kind: 'schedule', image: 'gone', scheduledTime: '2027-01-14T03:00:00Z' },
      [],
    ],
  ])('%s', (_name, change, expected) => {
    expect(summary(decide(change))).toEqual(expected);
  });

  it("names a CVE rebuild's change with the cve trigger, keeping the stored key as it was", () => {
    const finding: Change = {
      kind: 'manual',
      image: 'app',
      requestId: 'finding:1.0.0/1',
      requestedBy: 'goldsmith',
      requestedAt: '2027-01-16T00:00:00Z',
    };
    const [app] = decide(finding);
    expect(app?.trigger).toBe('cve');
    expect(app?.reason).toBe('cve change cve:app#finding:1.0.0/1 requested by goldsmith');
    expect(app?.changeId).toBe('manual:app#finding:1.0.0/1');
    const again = decide(finding, {
      markers: new Map([
        [app?.dedupeKey ?? '', { state: 'started', changeId: app?.changeId ?? '', claimedAt: '2027-01-16T00:01:00Z' }],
      ]),
    });
    expect(again[0]?.reason).toMatch(/^duplicate of cve:app#finding:1\.0\.0\/1 /);
  });

  it("names a person's manual change as manual", () => {
    const [app] = decide({
      kind: 'manual',
      image: 'app',
      requestId: 'req-1',
      requestedBy: 'ops-lead',
      requestedAt: '2027-01-16T00:00:00Z',
    });
    expect(app?.reason).toBe('manual change manual:app#req-1 requested by ops-lead');
  });

  it('explains why a child waits for its parent', () => {
    const [, hardened, app] = decide(openssl);
    expect(hardened?.reason).toBe('waits for base, also triggered by this change: its promotion cascades to hardened');
    expect(app?.reason).toContain('waits for hardened');
  });
});

describe('decideBuilds: monthly patch schedule', () => {
  it('skips a firing that is not the patch build day and names the next one', () => {
    const [decision] = decide({ kind: 'schedule', image: 'base', scheduledTime: '2027-01-13T03:00:00Z' });
    expect(decision?.outcome).toBe('skip');
    expect(decision?.reason).toBe('not a patch day (next patch build: 2027-01-14T03:00:00.000Z)');
  });
});

describe('decideBuilds: deduplication', () => {
  const schedule: Change = { kind: 'schedule', image: 'base', scheduledTime: '2027-01-14T03:00:00Z' };

  it.each([
    ['the evening before the patch build', '2027-01-13T19:00:00Z'],
    ['the morning after the patch build', '2027-01-14T20:00:00Z'],
  ])('gives a schedule and a base release %s the same dedupe key and client token', (_when, observedAt) => {
    const fromSchedule = decide(schedule)[0];
    const fromRelease = decide(baseRelease(observedAt))[0];
    expect(fromRelease?.dedupeKey).toBe('patch:base:2027-01');
    expect(fromSchedule?.dedupeKey).toBe(fromRelease?.dedupeKey);
    expect(fromSchedule?.clientToken).toBe(fromRelease?.clientToken);
  });

  it('builds a base release in the middle of the cycle on its own, even after the patch build', () => {
    const markers = new Map<string, KnownMarker>([
      [
        'patch:base:2027-01',
        { state: 'started', changeId: 'schedule:base@2027-01-14T03:00:00Z', claimedAt: '2027-01-14T03:00:01Z' },
      ],
    ]);
    const [decision] = decide(baseRelease('2027-01-20T09:00:00Z'), { markers });
    expect(decision?.outcome).toBe('start');
    expect(decision?.dedupeKey).toBe(`base-image:base:${AL2023}=ami-0123456789abcdef0`);
  });

  it('skips the schedule when a base release already built in the same cycle', () => {
    const markers = new Map<string, KnownMarker>([
      [
        'patch:base:2027-01',
        { state: 'started', changeId: 'base-image:us-east-1:x=ami-1', claimedAt: '2027-01-13T09:00:00Z' },
      ],
    ]);
    const [decision] = decide(schedule, { markers });
    expect(decision?.outcome).toBe('skip');
    expect(decision?.reason).toContain('duplicate of base-image:us-east-1:x=ami-1');
  });

  it('builds again for a base release in the next cycle', () => {
    const markers = new Map<string, KnownMarker>([
      [
        'patch:base:2027-01',
        { state: 'started', changeId: 'schedule:base@2027-01-14T03:00:00Z', claimedAt: '2027-01-14T03:00:01Z' },
      ],
    ]);
    expect(summary(decide(baseRelease('2027-02-09T09:00:00Z'), { markers }))).toEqual(['base:start', 'tools:start']);
  });

  it('keys images without a patch schedule by the new AMI, so each new AMI builds once', () => {
    const first = decide(baseRelease('2027-01-20T09:00:00Z', 'ami-0000000000000000a'))[1];
    const second = decide(baseRelease('2027-01-21T09:00:00Z', 'ami-0000000000000000b'))[1];
    expect(first?.dedupeKey).toBe(`base-image:tools:${AL2023}=ami-0000000000000000a`);
    expect(second?.dedupeKey).not.toBe(first?.dedupeKey);
  });

  it('gives a re-delivered event the same key and token, and skips it once started', () => {
    const first = decide(openssl)[0]!;
    const markers = new Map<string, KnownMarker>([
      [first.dedupeKey, { state: 'started', changeId: first.changeId, claimedAt: '2027-02-03T10:00:01Z' }],
    ]);
    const again = decide(openssl, { markers });
    expect(again[0]).toMatchObject({ dedupeKey: first.dedupeKey, clientToken: first.clientToken, outcome: 'skip' });
    expect(again.every((d) => d.outcome === 'skip')).toBe(true);
  });

  it('resumes a claimed but unconfirmed key with the same client token', () => {
    const first = decide(openssl)[0]!;
    const markers = new Map<string, KnownMarker>([
      [first.dedupeKey, { state: 'claimed', changeId: first.changeId, claimedAt: '2027-02-03T10:00:01Z' }],
    ]);
    const [again] = decide(openssl, { markers });
    expect(again).toMatchObject({ outcome: 'start', resume: true, clientToken: first.clientToken });
  });

  it('starts a released claim again with a new client token, and resumes that claim with the same one', () => {
    const first = decide(openssl)[0]!;
    const released = new Map<string, KnownMarker>([
      [
        first.dedupeKey,
        { state: 'released', changeId: first.changeId, claimedAt: '2027-02-03T10:00:01Z', releases: 1 },
      ],
    ]);
    const [again] = decide(openssl, { markers: released });
    expect(again).toMatchObject({ outcome: 'start', resume: false, reclaims: 1, dedupeKey: first.dedupeKey });
    expect(again?.clientToken).not.toBe(first.clientToken);
    const reclaimed = new Map<string, KnownMarker>([
      [first.dedupeKey, { state: 'claimed', changeId: first.changeId, claimedAt: '2027-02-05T10:00:01Z', releases: 1 }],
    ]);
    const [resumed] = decide(openssl, { markers: reclaimed });
    expect(resumed).toMatchObject({ outcome: 'start', resume: true, clientToken: again?.clientToken });
  });

  it('gives each release of a claim a token of its own, and each image its own (Image Builder ignores a repeated one)', () => {
    const decisions = decide(openssl);
    const releasedAs = (releases: number) =>
      new Map<string, KnownMarker>(
        decisions.map((d) => [
          d.dedupeKey,
          { state: 'released', changeId: d.changeId, claimedAt: '2027-02-03T10:00:01Z', releases },
        ]),
      );
    const once = decide(openssl, { markers: releasedAs(1) }).filter((d) => d.outcome === 'start');
    const twice = decide(openssl, { markers: releasedAs(2) }).filter((d) => d.outcome === 'start');
    expect(once.length).toBeGreaterThan(0);
    const tokens = [...decisions, ...once, ...twice].map((d) => d.clientToken);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('derives client tokens within StartImagePipelineExecution limits, deterministically', () => {
    const key = dedupeKeyFor(catalog, openssl, 'base');
    expect(clientTokenFor(key)).toMatch(/^[0-9a-f]{32}$/);
    expect(clientTokenFor(key).length).toBeLessThanOrEqual(CLIENT_TOKEN_MAX);
    expect(clientTokenFor(key)).toBe(clientTokenFor(`${key}`));
    expect(clientTokenFor(key)).not.toBe(clientTokenFor(dedupeKeyFor(catalog, openssl, 'app')));
  });
});

describe('decideBuilds: running builds', () => {
  it('skips an image that is already building and names the build', () => {
    const running = new Map([['web', ['1.0.0/7']]]);
    const [decision] = decide({ kind: 'schedule', image: 'web', scheduledTime: '2027-01-17T04:00:00Z' }, { running });
    expect(decision).toMatchObject({ outcome: 'skip', reason: 'already building 1.0.0/7' });
  });

  it('keeps a child waiting when its parent is already building for the same change', () => {
    const running = new Map([['base', ['1.0.0/3']]]);
    expect(summary(decide(openssl, { running }))).toEqual(['base:skip', 'hardened:skip', 'app:skip']);
  });

  it('starts an image whose running build belongs to another image', () => {
    const running = new Map([['base', ['1.0.0/3']]]);
    expect(
      summary(
        decide(
          {
            kind: 'cascade',
            parent: 'base',
            channel: 'staging',
            buildVersion: '1.0.0/2',
            promotedAt: '2027-01-16T00:00:00Z',
          },
          { running },
        ),
      ),
    ).toEqual(['hardened:start']);
  });
});
