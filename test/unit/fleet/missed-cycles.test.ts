import { describe, expect, it } from 'vitest';
import { renderFleet } from '../../../cli/fleet-output.js';
import { missedCycles, missedCycleText } from '../../../core/fleet/missed-cycles.js';
import { imageFleet } from '../../../core/fleet/view.js';
import type { LedgerItem } from '../../../core/status/image-view.js';

const build = (version: string, requestedAt: string, status = 'AVAILABLE'): LedgerItem => ({
  pk: 'IMAGE#os-cis',
  sk: `BUILD#${version}`,
  buildVersion: version,
  status,
  requestedAt,
});
const outcome = (version: string, channel: string, result: string, at: string): LedgerItem => ({
  pk: 'IMAGE#os-cis',
  sk: `PROMOTION#${version}#${channel}`,
  version,
  channel,
  outcome: result,
  at,
});

// January 2027's Patch Tuesday is the 12th, February's the 9th, March's the 9th.
const ITEMS: LedgerItem[] = [
  build('1.0.0/1', '2027-01-02T03:00:00Z'),
  outcome('1.0.0/1', 'dev', 'promoted', '2027-01-02T06:00:00Z'),
  outcome('1.0.0/1', 'prod', 'promoted', '2027-01-05T06:00:00Z'),
  build('1.0.0/2', '2027-01-13T03:00:00Z'),
  outcome('1.0.0/2', 'dev', 'promoted', '2027-01-13T06:00:00Z'),
  outcome('1.0.0/2', 'prod', 'promoted', '2027-01-16T06:00:00Z'),
  build('1.0.0/3', '2027-02-09T03:00:00Z', 'FAILED'),
  build('1.0.0/4', '2027-02-10T03:00:00Z'),
  outcome('1.0.0/4', 'dev', 'rejected', '2027-02-11T06:00:00Z'),
  build('1.0.0/5', '2027-03-10T03:00:00Z'),
  outcome('1.0.0/5', 'dev', 'promoted', '2027-03-10T06:00:00Z'),
];

describe('goldsmith fleet: a patch cycle whose version never reached prod', () => {
  it('names the cycle, its version and where it stopped, and one still on its way', () => {
    expect(missedCycles('os-cis', 'prod', ITEMS).map(missedCycleText)).toEqual([
      '2027-02 1.0.0/4: never reached prod (rejected at dev)',
      '2027-03 1.0.0/5: not in prod yet (still on its way)',
    ]);
  });

  it('leaves out the rollout before the first prod version, and an image that never reached prod', () => {
    expect(missedCycles('os-cis', 'prod', ITEMS).map((m) => m.cycle)).not.toContain('2026-12');
    expect(missedCycles('os-cis', 'prod', ITEMS.slice(7))).toEqual([]);
  });

  it('prints the missed cycle under the image, so the month is not silently missing', () => {
    const text = renderFleet({
      images: [imageFleet('os-cis', 'prod', ITEMS)],
      channels: [],
      compliance: [],
      missed: missedCycles('os-cis', 'prod', ITEMS),
      ouNames: {},
    });
    expect(text.split('\n')).toContain('  2027-02 1.0.0/4: never reached prod (rejected at dev)');
  });
});
