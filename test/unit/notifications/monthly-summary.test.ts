import { describe, expect, it } from 'vitest';
import { monthBefore, stoppedText, summarizeMonth } from '../../../core/notifications/monthly-summary.js';
import type { LedgerItem } from '../../../core/status/image-view.js';

const PRICES = { currency: 'USD', ssmAdvancedParameterMonth: 0.05 };
const CHANNELS = ['dev', 'staging', 'prod'];
const cost = (total: number, storagePerMonth: number, finishedAt: string) => ({
  currency: 'USD',
  total,
  storagePerMonth,
  finishedAt,
});

const build = (version: string, status: string, requestedAt: string, extra: LedgerItem = {}): LedgerItem => ({
  pk: 'IMAGE#base',
  sk: `BUILD#${version}`,
  buildVersion: version,
  status,
  statusesSeen: new Set([status]),
  requestedAt,
  updatedAt: requestedAt,
  ...extra,
});
const outcome = (version: string, channel: string, result: string, at: string): LedgerItem => ({
  pk: 'IMAGE#base',
  sk: `PROMOTION#${version}#${channel}`,
  version,
  channel,
  outcome: result,
  at,
});
const approval = (version: string, requestedAt: string, expiresAt: string, extra: LedgerItem = {}): LedgerItem => ({
  pk: 'IMAGE#base',
  sk: `APPROVAL#${version}#prod`,
  version,
  channel: 'prod',
  approvers: ['ops-lead', 'security-reviewer'],
  requestedAt,
  expiresAt,
  ...extra,
});

// January 2027: Patch Tuesday is the 12th. 1.0.0/1 is December's (rejected for prod in January), 1.0.0/2 the patch
// build, 1.0.0/3 failed, 1.0.0/4 waits for prod approval over the month's end.
const base: LedgerItem[] = [
  build('1.0.0/1', 'AVAILABLE', '2026-12-10T03:00:00Z', { cost: cost(0.42, 1.2, '2026-12-10T05:00:00Z') }),
  outcome('1.0.0/1', 'dev', 'promoted', '2026-12-10T06:00:00Z'),
  outcome('1.0.0/1', 'prod', 'rejected', '2027-01-05T10:00:00Z'),
  build('1.0.0/2', 'AVAILABLE', '2027-01-14T03:00:00Z', { cost: cost(0.5, 1.2, '2027-01-14T05:00:00Z') }),
  outcome('1.0.0/2', 'dev', 'promoted', '2027-01-14T06:00:00Z'),
  outcome('1.0.0/2', 'staging', 'promoted', '2027-01-15T06:00:00Z'),
  outcome('1.0.0/2', 'prod', 'promoted', '2027-01-18T12:00:00Z'),
  approval('1.0.0/2', '2027-01-18T06:00:00Z', '2027-01-21T06:00:00Z', { decidedAt: '2027-01-18T12:00:00Z' }),
  build('1.0.0/3', 'FAILED', '2027-01-20T03:00:00Z', { cost: cost(0.1, 0, '2027-01-20T04:00:00Z') }),
  build('1.0.0/4', 'AVAILABLE', '2027-01-28T03:00:00Z', { cost: cost(0.5, 1.2, '2027-01-28T05:00:00Z') }),
  outcome('1.0.0/4', 'dev', 'promoted', '2027-01-28T06:00:00Z'),
  outcome('1.0.0/4', 'staging', 'promoted', '2027-01-29T06:00:00Z'),
  approval('1.0.0/4', '2027-01-31T06:00:00Z', '2027-02-03T06:00:00Z'),
];

const summary = (month: string, items = base) =>
  summarizeMonth({ month, channels: CHANNELS, images: { base: { items, regions: 3 } }, prices: PRICES });

describe('summarizeMonth', () => {
  it("counts the month's builds, failures, promotions and rejections per image", () => {
    expect(summary('2027-01').images).toEqual([
      expect.objectContaining({ image: 'base', built: 2, failed: 1, promoted: 5, rejected: 1 }),
    ]);
  });

  it('counts a revoked version and an aborted promotion, as the HTML chart does, not as "rejected 0" alone', () => {
    const items: LedgerItem[] = [
      ...base,
      outcome('1.0.0/4', 'prod', 'aborted', '2027-01-30T06:00:00Z'),
      outcome('1.0.0/1', 'staging', 'expired', '2027-01-06T06:00:00Z'),
      {
        pk: 'IMAGE#base',
        sk: 'REVOCATION#1.0.0/2',
        version: '1.0.0/2',
        state: 'revoked',
        revokedAt: '2027-01-25T09:00:00Z',
      },
      // Revoked in February: not January's.
      {
        pk: 'IMAGE#base',
        sk: 'REVOCATION#1.0.0/4',
        version: '1.0.0/4',
        state: 'revoked',
        revokedAt: '2027-02-02T09:00:00Z',
      },
    ];
    const [row] = summary('2027-01', items).images;
    expect(row).toMatchObject({ rejected: 1, expired: 1, aborted: 1, revoked: 1 });
    expect(row && stoppedText(row)).toBe('1 rejected, 1 expired, 1 aborted, 1 revoked');
    expect(summary('2027-02', items).images[0]).toMatchObject({ rejected: 0, aborted: 0, revoked: 1 });
  });

  it('gives the hours from Patch Tuesday to the first prod promotion of a build requested since', () => {
    // 12 January 00:00 UTC → 18 January 12:00 UTC.
    expect(summary('2027-01').images[0]?.patchToProdHours).toBe(156);
    expect(summary('2027-02').images[0]?.patchToProdHours).toBeNull();
  });

  it("lists the approvals still open at the month's end and whom they wait on", () => {
    expect(summary('2027-01').waiting).toEqual([
      {
        image: 'base',
        version: '1.0.0/4',
        channel: 'prod',
        on: ['ops-lead', 'security-reviewer'],
        since: '2027-01-31T06:00:00.000Z',
      },
    ]);
    expect(summary('2027-02').waiting).toEqual([]);
  });

  it("lists the soaks still running and the builds still in flight at the month's end", () => {
    const soak = (version: string, startedAt: string, until: string, extra: LedgerItem = {}): LedgerItem => ({
      pk: 'IMAGE#base',
      sk: `SOAK#${version}#staging`,
      version,
      channel: 'staging',
      startedAt,
      until,
      state: 'soaking',
      ...extra,
    });
    const items = [
      ...base,
      // 1.0.0/2 soaked in staging for a day in mid-January: over long before the month's end.
      soak('1.0.0/2', '2027-01-14T06:00:00Z', '2027-01-15T06:00:00Z'),
      // 1.0.0/5 soaks over the month's end; 1.0.0/7's soak would have, but an operator ended it on the 31st.
      build('1.0.0/5', 'AVAILABLE', '2027-01-30T03:00:00Z', { updatedAt: '2027-01-30T05:00:00Z' }),
      outcome('1.0.0/5', 'dev', 'promoted', '2027-01-30T06:00:00Z'),
      soak('1.0.0/5', '2027-01-30T06:00:00Z', '2027-02-02T06:00:00Z'),
      soak('1.0.0/7', '2027-01-30T07:00:00Z', '2027-02-02T07:00:00Z', {
        state: 'ended-early',
        endedAt: '2027-01-31T09:00:00Z',
      }),
      // 1.0.0/6 was requested late on the 31st and finished on 1 February.
      build('1.0.0/6', 'AVAILABLE', '2027-01-31T22:00:00Z', { updatedAt: '2027-02-01T01:00:00Z' }),
    ];

    const january = summary('2027-01', items);

    expect(january.soaking).toEqual([
      { image: 'base', version: '1.0.0/5', channel: 'staging', until: '2027-02-02T06:00:00.000Z' },
    ]);
    expect(january.building).toEqual([{ image: 'base', version: '1.0.0/6', since: '2027-01-31T22:00:00.000Z' }]);
    expect(summary('2027-02', items).soaking).toEqual([]);
    expect(summary('2027-02', items).building).toEqual([]);
  });

  it('takes a build for finished when it was, whatever was written to it after, and leaves out a paused soak', () => {
    const items = [
      ...base,
      // Finished on the 31st; the reconciler recorded its status on 1 February, and a late BUILDING event came after.
      build('1.0.0/8', 'BUILDING', '2027-01-31T01:00:00Z', {
        statusesSeen: new Set(['BUILDING', 'AVAILABLE']),
        updatedAt: '2027-02-01T02:00:00Z',
        cost: cost(0.5, 1.2, '2027-01-31T03:00:00Z'),
      }),
      // Stopped by a disabled pipeline on the 30th.
      build('1.0.0/9', 'DISABLED', '2027-01-30T01:00:00Z', { updatedAt: '2027-01-30T02:00:00Z' }),
      // 1.0.0/10's staging soak began, then its promotion paused there on an outage, not resumed by the month's end.
      {
        pk: 'IMAGE#base',
        sk: 'SOAK#1.0.0/10#staging',
        version: '1.0.0/10',
        channel: 'staging',
        startedAt: '2027-01-30T06:00:00Z',
        until: '2027-02-02T06:00:00Z',
        state: 'soaking',
      },
      {
        pk: 'IMAGE#base',
        sk: 'PAUSED#1.0.0/10',
        version: '1.0.0/10',
        channel: 'staging',
        pausedAt: '2027-01-30T07:00:00Z',
      },
    ];

    expect(summary('2027-01', items).building).toEqual([]);
    expect(summary('2027-01', items).soaking).toEqual([]);
  });

  it('costs the month: its builds, storage of what was kept for the part of the month it existed, pointers', () => {
    const c = summary('2027-01').cost;
    // Builds requested in January: 0.5 + 0.1 + 0.5. Storage: 1.0.0/1 all month, 1.0.0/2 from the 14th, 1.0.0/4 from
    // the 28th (1.2 a month each). Pointers: dev all month, staging from the 15th, prod from the 18th, 3 regions each.
    const storage = 1.2 * (1 + (31 - 13 - 5 / 24) / 31 + (31 - 27 - 5 / 24) / 31);
    const pointers = 3 * 0.05 * (1 + (31 - 14 - 6 / 24) / 31 + (31 - 17 - 12 / 24) / 31);
    expect(c).toEqual({
      currency: 'USD',
      builds: 1.1,
      storage: Math.round(storage * 100) / 100,
      pointers: Math.round(pointers * 100) / 100,
      total: Math.round((1.1 + storage + pointers) * 100) / 100,
    });
    expect(summary('2027-01').images[0]?.cost).toBe(c?.total);
  });

  it('says the same whenever it is computed: later events do not change a past month', () => {
    const later = [
      ...base,
      outcome('1.0.0/4', 'prod', 'promoted', '2027-02-01T08:00:00Z'),
      build('1.0.0/5', 'AVAILABLE', '2027-02-01T03:00:00Z', { cost: cost(0.5, 1.2, '2027-02-01T05:00:00Z') }),
    ];
    expect(summary('2027-01', later)).toEqual(summary('2027-01'));
  });
});

describe('monthBefore', () => {
  it('names the last complete UTC month before the scheduled time', () => {
    expect(monthBefore(new Date('2027-02-01T09:00:00Z'))).toBe('2027-01');
    expect(monthBefore(new Date('2027-01-03T00:00:00Z'))).toBe('2026-12');
  });
});
