import { describe, expect, it } from 'vitest';
import {
  builtAnythingBy,
  type ImageLedger,
  monthBefore,
  monthBounds,
  summarizeMonth,
} from '../../../core/notifications/monthly-summary.js';
import type { LedgerItem } from '../../../core/status/image-view.js';

const PRICES = { currency: 'EUR', ssmAdvancedParameterMonth: 0 };
const CHANNELS = ['dev', 'prod'];
// January 2027: Patch Tuesday is the 12th.
const PATCH_DAY = '2027-01-12T00:00:00Z';

const build = (version: string, status: string, requestedAt: string, extra: LedgerItem = {}): LedgerItem => ({
  sk: `BUILD#${version}`,
  buildVersion: version,
  status,
  requestedAt,
  updatedAt: requestedAt,
  ...extra,
});
const outcome = (version: string, channel: string, result: string, at: string): LedgerItem => ({
  sk: `PROMOTION#${version}#${channel}`,
  version,
  channel,
  outcome: result,
  at,
});
const summary = (items: LedgerItem[], images: Record<string, ImageLedger> = {}) =>
  summarizeMonth({
    month: '2027-01',
    channels: CHANNELS,
    images: { base: { items, regions: 1 }, ...images },
    prices: PRICES,
  });
const row = (items: LedgerItem[]) => summary(items).images[0];

describe('monthBounds', () => {
  it('is the UTC calendar month from its first instant to the next month', () => {
    expect(monthBounds('2027-01')).toStrictEqual({
      start: Date.parse('2027-01-01T00:00:00Z'),
      end: Date.parse('2027-02-01T00:00:00Z'),
    });
    expect(monthBounds('2026-12')).toStrictEqual({
      start: Date.parse('2026-12-01T00:00:00Z'),
      end: Date.parse('2027-01-01T00:00:00Z'),
    });
  });

  it('refuses what is not a month, naming it and the form wanted', () => {
    for (const month of ['2027-00', '2027-13', '2027', 'x-01', '0-01', '', '2027-0.5']) {
      expect(() => monthBounds(month)).toThrow(`not a month: "${month}" (want YYYY-MM)`);
    }
  });
});

describe('monthBefore', () => {
  it('is the month before, also from the first instant of a month', () => {
    expect(monthBefore(new Date('2027-03-01T00:00:00Z'))).toBe('2027-02');
    expect(monthBefore(new Date('2027-12-31T23:59:59Z'))).toBe('2027-11');
  });
});

describe('builtAnythingBy', () => {
  it('is true once any image had a build requested before the end of the month', () => {
    const images = (items: LedgerItem[]) => ({ other: { items: [], regions: 1 }, base: { items, regions: 1 } });

    expect(builtAnythingBy('2027-01', images([build('1.0.0/1', 'AVAILABLE', '2027-01-31T23:59:59Z')]))).toBe(true);
    expect(builtAnythingBy('2027-01', images([build('1.0.0/1', 'AVAILABLE', '2027-02-01T00:00:00Z')]))).toBe(false);
    expect(builtAnythingBy('2027-01', images([]))).toBe(false);
  });

  it('goes by when a build was requested, not when it was last updated', () => {
    const images = (items: LedgerItem[]) => ({ base: { items, regions: 1 } });

    expect(
      builtAnythingBy(
        '2027-01',
        images([build('1.0.0/1', 'AVAILABLE', '2027-01-31T23:00:00Z', { updatedAt: '2027-02-02T00:00:00Z' })]),
      ),
    ).toBe(true);
  });

  it('does not take an approval requested in the month for a build', () => {
    const approval = { sk: 'APPROVAL#1.0.0/1#prod', version: '1.0.0/1', requestedAt: '2027-01-05T00:00:00Z' };

    expect(builtAnythingBy('2027-01', { base: { items: [approval], regions: 1 } })).toBe(false);
  });

  it('reads the last update of a build that holds no request time, and only builds', () => {
    const images = (items: LedgerItem[]) => ({ base: { items, regions: 1 } });

    expect(
      builtAnythingBy('2027-01', images([build('1.0.0/1', 'AVAILABLE', '', { updatedAt: '2027-01-05T00:00:00Z' })])),
    ).toBe(true);
    expect(builtAnythingBy('2027-01', images([outcome('1.0.0/1', 'dev', 'promoted', '2027-01-05T00:00:00Z')]))).toBe(
      false,
    );
  });
});

describe("summarizeMonth: one image's month", () => {
  it('counts builds requested from the first instant of the month up to, not including, the next', () => {
    expect(
      row([
        build('1.0.0/1', 'AVAILABLE', '2026-12-31T23:59:59Z'),
        build('1.0.0/2', 'AVAILABLE', '2027-01-01T00:00:00Z'),
        build('1.0.0/3', 'FAILED', '2027-01-31T23:59:59Z'),
        build('1.0.0/4', 'FAILED', '2027-02-01T00:00:00Z'),
      ]),
    ).toMatchObject({ built: 1, failed: 1 });
  });

  it('counts a build in the month it was requested, not the month it was last updated', () => {
    expect(
      row([
        build('1.0.0/1', 'AVAILABLE', '2026-12-31T23:00:00Z', { updatedAt: '2027-01-01T01:00:00Z' }),
        build('1.0.0/2', 'FAILED', '2027-01-31T23:00:00Z', { updatedAt: '2027-02-01T01:00:00Z' }),
      ]),
    ).toMatchObject({ built: 0, failed: 1 });
  });

  it('dates a build without a request time by its last update', () => {
    expect(row([build('1.0.0/1', 'AVAILABLE', '', { updatedAt: '2027-01-05T00:00:00Z' })])).toMatchObject({
      built: 1,
    });
  });

  it('counts a cancelled build as failed, one still building as neither', () => {
    expect(
      row([
        build('1.0.0/1', 'CANCELLED', '2027-01-05T00:00:00Z'),
        build('1.0.0/2', 'BUILDING', '2027-01-05T00:00:00Z'),
      ]),
    ).toMatchObject({ built: 0, failed: 1 });
  });

  it('reads the statuses a build went through when the item keeps them, not its latest one', () => {
    expect(
      row([
        build('1.0.0/1', 'DEPRECATED', '2027-01-05T00:00:00Z', { statusesSeen: new Set(['BUILDING', 'AVAILABLE']) }),
        build('1.0.0/2', 'AVAILABLE', '2027-01-05T00:00:00Z', { statusesSeen: new Set(['BUILDING', 'CANCELLED']) }),
      ]),
    ).toMatchObject({ built: 1, failed: 1 });
  });

  it('counts promotions and rejections decided in the month, not other outcomes nor other months', () => {
    expect(
      row([
        outcome('1.0.0/1', 'dev', 'promoted', '2027-01-01T00:00:00Z'),
        outcome('1.0.0/1', 'prod', 'rejected', '2027-01-31T23:59:59Z'),
        outcome('1.0.0/2', 'dev', 'promoted', '2027-02-01T00:00:00Z'),
        outcome('1.0.0/3', 'dev', 'aborted', '2027-01-05T00:00:00Z'),
        { ...outcome('1.0.0/4', 'dev', 'promoted', '2027-01-05T00:00:00Z'), sk: 'APPROVAL#1.0.0/4#dev' },
      ]),
    ).toMatchObject({ promoted: 1, rejected: 1 });
  });
});

describe('summarizeMonth: Patch Tuesday to prod', () => {
  it('counts from Patch Tuesday to the first promotion into the last channel, to a tenth of an hour', () => {
    expect(
      row([
        build('1.0.0/2', 'AVAILABLE', PATCH_DAY),
        build('1.0.0/3', 'AVAILABLE', '2027-01-13T00:00:00Z'),
        outcome('1.0.0/3', 'prod', 'promoted', '2027-01-14T00:00:00Z'),
        outcome('1.0.0/2', 'prod', 'promoted', '2027-01-13T01:02:00Z'),
      ])?.patchToProdHours,
    ).toBe(25);
    expect(
      row([build('1.0.0/2', 'AVAILABLE', PATCH_DAY), outcome('1.0.0/2', 'prod', 'promoted', '2027-01-12T01:03:00Z')])
        ?.patchToProdHours,
    ).toBe(1.1);
  });

  it('counts a promotion at the very instant of Patch Tuesday, of a build requested then', () => {
    expect(
      row([build('1.0.0/2', 'AVAILABLE', PATCH_DAY), outcome('1.0.0/2', 'prod', 'promoted', PATCH_DAY)])
        ?.patchToProdHours,
    ).toBe(0);
  });

  it('leaves out a build requested before Patch Tuesday, one promoted elsewhere, refused, or before it', () => {
    expect(
      row([
        build('1.0.0/1', 'AVAILABLE', '2027-01-11T23:59:59Z'),
        outcome('1.0.0/1', 'prod', 'promoted', '2027-01-13T00:00:00Z'),
        build('1.0.0/2', 'AVAILABLE', '2027-01-13T00:00:00Z'),
        outcome('1.0.0/2', 'dev', 'promoted', '2027-01-13T01:00:00Z'),
        outcome('1.0.0/2', 'prod', 'rejected', '2027-01-13T02:00:00Z'),
        outcome('1.0.0/3', 'prod', 'promoted', '2027-01-13T03:00:00Z'),
      ])?.patchToProdHours,
    ).toBeNull();
    expect(
      row([build('1.0.0/2', 'AVAILABLE', PATCH_DAY), outcome('1.0.0/2', 'prod', 'promoted', '2027-01-11T00:00:00Z')])
        ?.patchToProdHours,
    ).toBeNull();
  });
});

describe('summarizeMonth: cost', () => {
  it('adds up builds of every image, to the cent, in the prices currency', () => {
    const costed = (version: string, total: number) =>
      build(version, 'AVAILABLE', '2027-01-05T00:00:00Z', {
        cost: { currency: 'EUR', total, storagePerMonth: 0, finishedAt: '2027-01-05T01:00:00Z' },
      });
    const s = summary([costed('1.0.0/1', 0.104), costed('1.0.0/2', 0.203)], {
      other: { items: [costed('1.0.0/1', 0.204)], regions: 1 },
    });

    expect(s.images.map((i) => [i.image, i.cost])).toEqual([
      ['base', 0.31],
      ['other', 0.2],
    ]);
    expect(s.cost).toStrictEqual({ currency: 'EUR', builds: 0.51, storage: 0, pointers: 0, total: 0.51 });
    expect(s.month).toBe('2027-01');
  });

  it('lists what is open at the end of every image', () => {
    const s = summary([build('1.0.0/1', 'BUILDING', '2027-01-31T00:00:00Z')], {
      other: { items: [build('2.0.0/1', 'BUILDING', '2027-01-31T00:00:00Z')], regions: 1 },
    });

    expect(s.building?.map((b) => `${b.image} ${b.version}`)).toEqual(['base 1.0.0/1', 'other 2.0.0/1']);
  });
});
