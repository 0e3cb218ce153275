import { describe, expect, it } from 'vitest';
import { catalogShapeSchema } from '../../../core/config/schema.js';
import { dueScheduleChanges, SCHEDULE_LOOKBACK_MS } from '../../../core/reconcile/schedules.js';
import { changeIdOf, changeTimeOf } from '../../../core/triggers/change.js';
import { ancestorsOf, catalogParentOf, lineageOrder } from '../../../core/triggers/lineage.js';
import { AL2023, triggerCatalog } from './fixtures.js';

const catalog = triggerCatalog();

describe('lineage', () => {
  it('a catalog parent is an image; an SSM or Docker parent is none', () => {
    expect(catalogParentOf(catalog, 'hardened')).toBe('base');
    expect(catalogParentOf(catalog, 'base')).toBeUndefined();
    expect(catalogParentOf(catalog, 'web')).toBeUndefined();
    expect(catalogParentOf(catalog, 'gone')).toBeUndefined();
  });

  it('lists ancestors nearest first', () => {
    expect(ancestorsOf(catalog, 'app')).toEqual(['hardened', 'base']);
    expect(ancestorsOf(catalog, 'base')).toEqual([]);
  });

  it('orders parents before children, and otherwise keeps catalog order', () => {
    expect(lineageOrder(catalog)).toEqual(['base', 'web', 'tools', 'legacy', 'hardened', 'edge', 'app']);
  });

  it('stops on a cycle instead of looping', () => {
    const cyclic = catalogShapeSchema.parse({
      ...structuredClone(catalog),
      images: {
        a: { ...catalog.images.hardened, parent: { image: 'b', channel: 'staging' } },
        b: { ...catalog.images.hardened, parent: { image: 'a', channel: 'staging' } },
        c: { ...catalog.images.hardened, parent: { image: 'c', channel: 'staging' } },
      },
    });
    expect(ancestorsOf(cyclic, 'a')).toEqual(['b']);
    expect(ancestorsOf(cyclic, 'c')).toEqual([]);
  });
});

describe('changes', () => {
  it('each kind has its own identity and time', () => {
    const cases = [
      [{ kind: 'schedule', image: 'base', scheduledTime: 't1' }, 'schedule:base@t1', 't1'],
      [
        { kind: 'base-image', parameter: AL2023, region: 'eu-west-1', amiId: 'ami-1', observedAt: 't2' },
        `base-image:eu-west-1:${AL2023}=ami-1`,
        't2',
      ],
      [
        { kind: 'package', name: 'openssl', version: '3.0', source: 'ci', observedAt: 't3' },
        'package:openssl@3.0',
        't3',
      ],
      [
        { kind: 'cascade', parent: 'base', channel: 'prod', buildVersion: '1.0.0/2', promotedAt: 't4' },
        'cascade:base/prod@1.0.0/2',
        't4',
      ],
      [
        { kind: 'manual', image: 'app', requestId: 'r-1', requestedBy: 'me', requestedAt: 't5' },
        'manual:app#r-1',
        't5',
      ],
    ] as const;
    for (const [change, id, time] of cases) {
      expect(changeIdOf(change)).toBe(id);
      expect(changeTimeOf(change)).toBe(time);
    }
  });
});

describe('dueScheduleChanges', () => {
  it('looks back 24 hours by default', () => {
    expect(SCHEDULE_LOOKBACK_MS).toBe(86_400_000);
  });

  it('yields the patch build itself and each cron firing in the window, oldest first, without milliseconds', () => {
    expect(dueScheduleChanges(catalog, new Date('2027-01-17T12:00:00Z'), 8 * 86_400_000)).toEqual([
      { kind: 'schedule', image: 'web', scheduledTime: '2027-01-10T04:00:00Z' },
      { kind: 'schedule', image: 'base', scheduledTime: '2027-01-14T03:00:00Z' },
      { kind: 'schedule', image: 'web', scheduledTime: '2027-01-17T04:00:00Z' },
    ]);
  });

  it('includes a firing exactly at the start of the window and none at now', () => {
    expect(dueScheduleChanges(catalog, new Date('2027-01-15T03:00:00Z'))).toEqual([
      { kind: 'schedule', image: 'base', scheduledTime: '2027-01-14T03:00:00Z' },
    ]);
    expect(dueScheduleChanges(catalog, new Date('2027-01-15T03:00:00.001Z'))).toEqual([]);
    expect(dueScheduleChanges(catalog, new Date('2027-01-14T03:00:00Z'))).toEqual([]);
    expect(dueScheduleChanges(catalog, new Date('2027-01-17T04:00:00Z'))).toEqual([]);
    expect(dueScheduleChanges(catalog, new Date('2027-01-17T04:00:00.001Z'))).toEqual([
      { kind: 'schedule', image: 'web', scheduledTime: '2027-01-17T04:00:00Z' },
    ]);
  });
});
