import { describe, expect, it } from 'vitest';
import type { Change } from '../../../core/triggers/change.js';
import { clientTokenFor, dedupeKeyFor } from '../../../core/triggers/dedupe.js';
import { observedNoLaterThan } from '../../../core/triggers/window.js';
import { AL2023, triggerCatalog } from './fixtures.js';

const catalog = triggerCatalog();
/** `base` patches monthly: its January 2027 patch build is 2027-01-14T03:00 (Europe/London, on UTC in winter). */
const release = (observedAt: string): Change => ({
  kind: 'base-image',
  parameter: AL2023,
  region: 'us-east-1',
  amiId: 'ami-0123456789abcdef0',
  observedAt,
});
const ownKey = `base-image:base:${AL2023}=ami-0123456789abcdef0`;

describe('dedupeKeyFor: a base release near the patch build', () => {
  it('folds a release exactly 24 hours before the patch build into it, and not one a moment earlier', () => {
    expect(dedupeKeyFor(catalog, release('2027-01-13T03:00:00Z'), 'base')).toBe('patch:base:2027-01');
    expect(dedupeKeyFor(catalog, release('2027-01-13T02:59:59.999Z'), 'base')).toBe(ownKey);
  });

  it('folds a release up to just before 24 hours after the patch build into it', () => {
    expect(dedupeKeyFor(catalog, release('2027-01-15T02:59:59Z'), 'base')).toBe('patch:base:2027-01');
    expect(dedupeKeyFor(catalog, release('2027-01-15T03:00:00Z'), 'base')).toBe(ownKey);
  });
});

describe('a base release dated in the future (a claim, not an observation)', () => {
  it("cannot take next month's patch key: it is read as seen when it arrives", () => {
    // Sent on 20 January, dated an hour before February's patch build (2027-02-11T03:00).
    const forged = release('2027-02-11T02:00:00Z');
    expect(dedupeKeyFor(catalog, forged, 'base')).toBe('patch:base:2027-02');
    const read = observedNoLaterThan(forged, new Date('2027-01-20T10:00:00Z'));
    expect(read).toEqual({ ...forged, observedAt: '2027-01-20T10:00:00.000Z' });
    expect(dedupeKeyFor(catalog, read, 'base')).toBe(ownKey);
  });

  it('keeps a release seen now or earlier as it is, within the schedule skew', () => {
    const now = new Date('2027-01-13T03:00:00Z');
    expect(observedNoLaterThan(release('2027-01-13T03:04:00Z'), now)).toEqual(release('2027-01-13T03:04:00Z'));
    expect(observedNoLaterThan(release('2027-01-12T00:00:00Z'), now)).toEqual(release('2027-01-12T00:00:00Z'));
    const firing: Change = { kind: 'schedule', image: 'web', scheduledTime: '2027-01-17T04:00:00Z' };
    expect(observedNoLaterThan(firing, now)).toBe(firing);
  });
});

describe('dedupeKeyFor: the key of each kind of change', () => {
  it('keys a cron firing by image and minute, seconds trimmed so a retry keeps the key', () => {
    const firing: Change = { kind: 'schedule', image: 'web', scheduledTime: '2027-01-17T04:00:07Z' };
    expect(dedupeKeyFor(catalog, firing, 'web')).toBe('schedule:web:2027-01-17T04:00');
  });

  it('keys a package release by image, name and version', () => {
    const pkg: Change = { kind: 'package', name: 'openssl', version: '3.0.8', source: 'ci', observedAt: 'x' };
    expect(dedupeKeyFor(catalog, pkg, 'hardened')).toBe('package:hardened:openssl@3.0.8');
  });

  it("keys a cascade by the child, the parent, the parent's channel and build", () => {
    const cascade: Change = {
      kind: 'cascade',
      parent: 'base',
      channel: 'staging',
      buildVersion: '1.0.0/2',
      promotedAt: '2027-01-20T00:00:00Z',
    };
    expect(dedupeKeyFor(catalog, cascade, 'hardened')).toBe('cascade:hardened:base/staging@1.0.0/2');
  });

  it('keys a manual request by image and request id', () => {
    const manual: Change = {
      kind: 'manual',
      image: 'app',
      requestId: 'req-7',
      requestedBy: 'ops-lead',
      requestedAt: '2027-01-16T00:00:00Z',
    };
    expect(dedupeKeyFor(catalog, manual, 'app')).toBe('manual:app:req-7');
  });
});

describe('clientTokenFor', () => {
  it('is the first 32 hex characters of the key’s SHA-256', () => {
    // `printf %s manual:app:req-7 | sha256sum` prints b6ded7b90a36f309f3690f9a566b29adedc414b538efa3f4425760a71719c7d5.
    expect(clientTokenFor('manual:app:req-7')).toBe('b6ded7b90a36f309f3690f9a566b29ad');
  });
});
