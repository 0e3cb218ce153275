import { describe, expect, it } from 'vitest';
import type { Change } from '../../../core/triggers/change.js';
import { type DecideInput, type Decision, decideBuilds, type KnownMarker } from '../../../core/triggers/decide.js';
import { clientTokenFor } from '../../../core/triggers/dedupe.js';
import { AL2023, triggerCatalog } from './fixtures.js';

const catalog = triggerCatalog();

function decide(change: Change, extra: Partial<Omit<DecideInput, 'change' | 'catalog'>> = {}): Decision[] {
  return decideBuilds({ change, catalog, running: new Map(), markers: new Map(), ...extra });
}

const manual: Change = {
  kind: 'manual',
  image: 'app',
  requestId: 'req-7',
  requestedBy: 'ops-lead',
  requestedAt: '2027-01-16T00:00:00Z',
};
const cron: Change = { kind: 'schedule', image: 'web', scheduledTime: '2027-01-17T04:00:00Z' };

describe('decideBuilds: the whole decision', () => {
  it('a start carries its trigger, change, key, token and the reason naming the change', () => {
    expect(decide(cron)).toEqual([
      {
        image: 'web',
        outcome: 'start',
        reason: 'schedule change schedule:web@2027-01-17T04:00:00Z',
        trigger: 'schedule',
        changeId: 'schedule:web@2027-01-17T04:00:00Z',
        dedupeKey: 'schedule:web:2027-01-17T04:00',
        clientToken: clientTokenFor('schedule:web:2027-01-17T04:00'),
        resume: false,
      },
    ]);
  });

  it('a manual start names who asked', () => {
    const [decision] = decide(manual);
    expect(decision?.reason).toBe('manual change manual:app#req-7 requested by ops-lead');
    expect(decision?.trigger).toBe('manual');
  });

  it('a skip carries the same identity and never resumes', () => {
    const [decision] = decide(cron, { running: new Map([['web', ['1.0.0/7', '1.0.0/8']]]) });
    expect(decision).toMatchObject({
      outcome: 'skip',
      reason: 'already building 1.0.0/7, 1.0.0/8',
      trigger: 'schedule',
      changeId: 'schedule:web@2027-01-17T04:00:00Z',
      resume: false,
    });
  });
});

describe('decideBuilds: the patch-day rule', () => {
  it('applies only to schedule firings: a base release on any day is decided by its key', () => {
    const release: Change = {
      kind: 'base-image',
      parameter: AL2023,
      region: 'us-east-1',
      amiId: 'ami-0123456789abcdef0',
      observedAt: '2027-01-05T09:00:00Z',
    };
    expect(decide(release).map((d) => `${d.image}:${d.outcome}`)).toEqual(['base:start', 'tools:start']);
  });

  it('does not apply to a cron schedule, which fires only when it should', () => {
    const [decision] = decide({ kind: 'schedule', image: 'web', scheduledTime: '2027-01-19T04:00:00Z' });
    expect(decision?.outcome).toBe('start');
  });

  it('a patch-day firing skips even when the image would otherwise wait or resume', () => {
    const markers = new Map<string, KnownMarker>([
      ['patch:base:2027-01', { state: 'claimed', changeId: 'x', claimedAt: '2027-01-13T03:00:01Z' }],
    ]);
    const [decision] = decide({ kind: 'schedule', image: 'base', scheduledTime: '2027-01-12T03:00:00Z' }, { markers });
    expect(decision).toMatchObject({ outcome: 'skip', resume: false });
    expect(decision?.reason).toMatch(/^not a patch day/);
  });
});

describe('decideBuilds: markers', () => {
  const key = 'schedule:web:2027-01-17T04:00';

  it('a claimed marker does not skip: the build resumes under the same token, and the reason says who claimed it', () => {
    const markers = new Map<string, KnownMarker>([
      [key, { state: 'claimed', changeId: 'schedule:web@earlier', claimedAt: '2027-01-17T04:00:02Z' }],
    ]);
    const [decision] = decide(cron, { markers });
    expect(decision).toMatchObject({
      outcome: 'start',
      resume: true,
      clientToken: clientTokenFor(key),
      reason: `resuming ${key}: claimed by schedule:web@earlier at 2027-01-17T04:00:02Z but not confirmed started`,
    });
  });

  it('a started marker skips, naming the change that started it and when', () => {
    const markers = new Map<string, KnownMarker>([
      [key, { state: 'started', changeId: 'schedule:web@earlier', claimedAt: '2027-01-17T04:00:02Z' }],
    ]);
    expect(decide(cron, { markers })[0]).toMatchObject({
      outcome: 'skip',
      resume: false,
      reason: `duplicate of schedule:web@earlier (${key}, started 2027-01-17T04:00:02Z)`,
    });
  });

  it('a claimed marker on an image that is already building skips without resuming', () => {
    const markers = new Map<string, KnownMarker>([
      [key, { state: 'claimed', changeId: 'schedule:web@earlier', claimedAt: '2027-01-17T04:00:02Z' }],
    ]);
    const [decision] = decide(cron, { markers, running: new Map([['web', ['1.0.0/3']]]) });
    expect(decision).toMatchObject({ outcome: 'skip', resume: false, reason: 'already building 1.0.0/3' });
  });

  it('a marker under another key does nothing', () => {
    const markers = new Map<string, KnownMarker>([
      ['schedule:web:2027-01-10T04:00', { state: 'started', changeId: 'old', claimedAt: '2027-01-10T04:00:02Z' }],
    ]);
    expect(decide(cron, { markers })[0]).toMatchObject({ outcome: 'start', resume: false });
  });

  it('an empty list of running builds does not skip', () => {
    expect(decide(cron, { running: new Map([['web', []]]) })[0]?.outcome).toBe('start');
  });
});
