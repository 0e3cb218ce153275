import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcomesGaugesNeed } from '../../../core/status/gauge-reads.js';
import { imageView, type LedgerItem } from '../../../core/status/image-view.js';
import { gaugesOf } from '../../../functions/health.js';

const NOW = new Date('2027-06-01T12:00:00Z');
const CHANNELS = ['dev', 'staging', 'prod'];
const HOUR = 3_600_000;
const iso = (offsetHours: number) => new Date(NOW.getTime() + offsetHours * HOUR).toISOString();

/** A random image partition: builds, channel pointers, decisions and approvals, in any combination. */
const partition = fc
  .record({
    statuses: fc.array(fc.constantFrom('AVAILABLE', 'AVAILABLE', 'FAILED', 'BUILDING', 'CANCELLED'), {
      maxLength: 14,
    }),
    pointers: fc.array(fc.option(fc.nat(13), { nil: undefined }), { minLength: 3, maxLength: 3 }),
    outcomes: fc.array(
      fc.record({
        build: fc.nat(13),
        channel: fc.nat(2),
        outcome: fc.constantFrom('promoted', 'rejected', 'expired', 'aborted'),
      }),
      { maxLength: 30 },
    ),
    approvals: fc.array(
      fc.record({
        build: fc.nat(13),
        channel: fc.nat(2),
        decided: fc.boolean(),
        expiresInHours: fc.integer({ min: -200, max: 200 }),
      }),
      { maxLength: 8 },
    ),
  })
  .map(({ statuses, pointers, outcomes, approvals }): LedgerItem[] => {
    const version = (n: number) => `1.0.0/${(n % Math.max(1, statuses.length)) + 1}`;
    const items: LedgerItem[] = statuses.map((status, i) => ({
      sk: `BUILD#1.0.0/${i + 1}`,
      buildVersion: `1.0.0/${i + 1}`,
      status,
      requestedAt: iso(-1000 + i * 24),
    }));
    pointers.forEach((p, c) => {
      if (p !== undefined && statuses.length > 0) {
        items.push({ sk: `CHANNEL#${CHANNELS[c]}`, version: version(p), at: iso(-500 + c) });
      }
    });
    for (const o of outcomes) {
      if (statuses.length === 0) break;
      const sk = `PROMOTION#${version(o.build)}#${CHANNELS[o.channel]}`;
      if (items.some((i) => i.sk === sk)) continue;
      items.push({ sk, version: version(o.build), channel: CHANNELS[o.channel], outcome: o.outcome, at: iso(-10) });
    }
    for (const a of approvals) {
      if (statuses.length === 0) break;
      const sk = `APPROVAL#${version(a.build)}#${CHANNELS[a.channel]}`;
      if (items.some((i) => i.sk === sk)) continue;
      items.push({
        sk,
        version: version(a.build),
        channel: CHANNELS[a.channel],
        requestedAt: iso(a.expiresInHours - 240),
        expiresAt: iso(a.expiresInHours),
        approvers: ['ops-lead'],
        ...(a.decided ? { decision: 'approved' } : {}),
      });
    }
    return items;
  });

const isOutcome = (i: LedgerItem) => String(i.sk).startsWith('PROMOTION#');

describe('outcomesGaugesNeed', () => {
  it('selects outcomes with which the gauges equal those read from the whole partition', () => {
    fc.assert(
      fc.property(partition, (items) => {
        const ranges = items.filter((i) => !isOutcome(i));
        const wanted = new Set(outcomesGaugesNeed(CHANNELS, ranges, NOW).map((r) => `${r.version}#${r.channel}`));
        const selected = items.filter((i) => isOutcome(i) && wanted.has(`${i.version}#${i.channel}`));
        const whole = gaugesOf([imageView('base', CHANNELS, items, NOW)]);
        const read = gaugesOf([imageView('base', CHANNELS, [...ranges, ...selected], NOW)]);
        expect(read).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('asks for nothing when every channel holds the newest build and no approval is open', () => {
    const items: LedgerItem[] = [
      { sk: 'APPROVAL#1.0.0/2#prod', version: '1.0.0/2', channel: 'prod', decision: 'approved', expiresAt: iso(5) },
      { sk: 'BUILD#1.0.0/1', buildVersion: '1.0.0/1', status: 'AVAILABLE' },
      { sk: 'BUILD#1.0.0/2', buildVersion: '1.0.0/2', status: 'AVAILABLE' },
      ...CHANNELS.map((c) => ({ sk: `CHANNEL#${c}`, version: '1.0.0/2', at: iso(-1) })),
    ];
    expect(outcomesGaugesNeed(CHANNELS, items, NOW)).toEqual([]);
  });

  it('asks for the open approval’s decision and, for a lagging channel, each newer build’s decisions up to it', () => {
    const items: LedgerItem[] = [
      { sk: 'APPROVAL#1.0.0/12#prod', version: '1.0.0/12', channel: 'prod', expiresAt: iso(5) },
      { sk: 'APPROVAL#1.0.0/3#prod', version: '1.0.0/3', channel: 'prod', expiresAt: iso(-5) },
      { sk: 'BUILD#1.0.0/12', buildVersion: '1.0.0/12', status: 'AVAILABLE' },
      { sk: 'BUILD#1.0.0/9', buildVersion: '1.0.0/9', status: 'AVAILABLE' },
      { sk: 'CHANNEL#dev', version: '1.0.0/12', at: iso(-1) },
      { sk: 'CHANNEL#staging', version: '1.0.0/12', at: iso(-1) },
      { sk: 'CHANNEL#prod', version: '1.0.0/9', at: iso(-1) },
    ];
    expect(outcomesGaugesNeed(CHANNELS, items, NOW)).toEqual([
      { version: '1.0.0/12', channel: 'prod' },
      { version: '1.0.0/12', channel: 'dev' },
      { version: '1.0.0/12', channel: 'staging' },
    ]);
  });
});
