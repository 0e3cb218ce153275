import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { CostReport } from '../../../core/cost/estimate.js';
import { renderHtml } from '../../../local/simulator/html/index.js';
import type { SimulationResult } from '../../../local/simulator/index.js';
import { emptyReport } from '../../fixtures/report.js';

function result(extra: Record<string, unknown> = {}): SimulationResult {
  return {
    report: emptyReport({
      scenario: { start: '2027-01-01T00:00:00Z', until: '2027-03-01T00:00:00Z', seed: 1 },
      builds: [
        {
          image: 'base',
          version: '1.0.0/1',
          trigger: 'schedule',
          status: 'AVAILABLE',
          requestedAt: '2027-01-14T03:00:00.000Z',
          finishedAt: '2027-01-14T03:52:00Z',
        },
        {
          image: 'base',
          version: '1.0.0/2',
          trigger: 'package',
          status: 'FAILED',
          requestedAt: '2027-02-03T10:00:00.000Z',
          finishedAt: '2027-02-03T10:20:00Z',
        },
      ],
      promotions: [
        {
          image: 'base',
          version: '1.0.0/1',
          channel: 'dev',
          outcome: 'promoted',
          reason: '',
          at: '2027-01-15T03:52:00.000Z',
          regions: ['us-east-1'],
          targets: { ous: 1, accounts: 3 },
        },
        {
          image: 'base',
          version: '1.0.0/1',
          channel: 'prod',
          outcome: 'rejected',
          reason: 'rejected by <script>alert(1)</script>',
          at: '2027-01-16T03:52:00.000Z',
          regions: [],
          targets: { ous: 0, accounts: 0 },
        },
      ],
      pointers: { 'base/dev': { 'us-east-1': 'ami-0123456789abcdef0' } },
      apiCalls: { 'ec2:ModifyImageAttribute': 2 },
      ...extra,
    }),
    timeline: [],
    notes: [],
    run: { wallMs: 1000, simulatedMonths: 2, monthsPerSecond: 2, steps: 10, peakRssMb: 100 },
  };
}

const channels = () => ['dev', 'prod'];

describe('renderHtml', () => {
  it('is self-contained: no script, no stylesheet link, no image or font fetched from anywhere', () => {
    const html = renderHtml(result(), channels);
    const { document } = parseHTML(html);
    expect(document.querySelectorAll('script, link, img, iframe, object').length).toBe(0);
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('escapes what the run reports, so a reason cannot inject markup', () => {
    const { document } = parseHTML(renderHtml(result(), channels));
    expect(document.querySelectorAll('script').length).toBe(0);
    expect(document.querySelector('#promotions')?.textContent).toContain('rejected by <script>alert(1)</script>');
  });

  it('counts builds and outcomes per month in the chart and its table', () => {
    const { document } = parseHTML(renderHtml(result(), channels));
    const value = (month: string, series: string) =>
      document
        .querySelector(`#months-chart .bar[data-month="${month}"][data-series="${series}"]`)
        ?.getAttribute('data-value');
    expect([value('2027-01', 'builds'), value('2027-01', 'promoted'), value('2027-01', 'failed')]).toEqual([
      '1',
      '1',
      '1',
    ]);
    expect(value('2027-02', 'builds')).toBe('1');
    expect(document.querySelector('#months-chart [data-series="cost"]')).toBeNull();
  });

  it('draws cost per month when the report estimated it', () => {
    const cost: CostReport = {
      currency: 'USD',
      total: 21.75,
      build: 12,
      storage: 7.5,
      pointers: 1,
      orchestration: 1.25,
      perImage: { base: 20.5 },
      perImagePerMonth: { base: 10.25 },
      promotions: 8,
      orchestrationPerPromotion: 0.125,
      orchestrationPerPromotionUsage: 0.1,
      orchestrationParts: { lambda: 0.25, cloudwatch: 1 },
      perMonth: { '2027-01': 12.5, '2027-02': 8 },
      months: 1.94,
      prices: { asOf: '2026-11', source: 'AWS price pages' },
      assumptions: [],
    };
    const html = renderHtml(result({ cost }), channels);
    const { document } = parseHTML(html);
    expect(document.querySelector('#months-chart [data-series="cost"]')).not.toBeNull();
    expect(document.querySelector('#months-table')?.textContent).toContain('12.50');
    // Each month's point says its cost on hover, and what that cost counts.
    const titles = [...document.querySelectorAll('#months-chart .cost-point title')].map((t) => t.textContent);
    expect(titles).toEqual([
      '2027-01: 12.50 USD (builds, storage, pointers)',
      '2027-02: 8.00 USD (builds, storage, pointers)',
    ]);
    // The cost table: the total over the run's span and its parts, per image, per month.
    const rows = (id: string) =>
      [...document.querySelectorAll(`#${id} tbody tr`)].map((tr) =>
        [...tr.querySelectorAll('td')].map((td) => td.textContent),
      );
    expect(rows('cost').slice(0, 5)).toEqual([
      ['estimated total over 1.94 months', '21.75 USD'],
      ['builds', '12.00 USD'],
      ['storage', '7.50 USD'],
      ['channel pointers', '1.00 USD'],
      ['orchestration', '1.25 USD'],
    ]);
    expect(rows('cost-per-image')).toEqual([['base', '20.50', '10.25']]);
    expect(rows('cost-per-month')).toEqual([
      ['2027-01', '12.50'],
      ['2027-02', '8.00'],
    ]);
  });

  it('lists each pointer movement with the version it moved to', () => {
    const { document } = parseHTML(renderHtml(result(), channels));
    const rows = [...document.querySelectorAll('#pointer-history tbody tr')].map((r) => r.textContent);
    expect(rows).toEqual(['2027-01-15 03:52/goldsmith/base/dev1.0.0/1']);
  });

  it("shows the fleet: each version's share of instances per day, patch compliance per cycle, rollout beside hand refreshes per OU, and the accounts behind", () => {
    const fleet = {
      compliance: [
        {
          cycle: '2027-02',
          image: 'base',
          channel: 'prod',
          version: '1.0.0/2',
          startedAt: '2027-02-09T00:00:00.000Z',
          pointerHours: 53.9,
          medianHoursTo90: 96,
          worstHoursTo90: null,
          laggards: ['ou-x1y2-prd00002'],
          ous: [],
        },
      ],
      standings: [
        {
          image: 'base',
          channel: 'prod',
          ou: 'ou-x1y2-prd00002',
          standings: { current: { accounts: 3, instances: 24 }, revoked: { accounts: 1, instances: 8 } },
          laggards: ['200000000015'],
        },
      ],
      shares: [
        {
          image: 'base',
          channel: 'prod',
          days: [
            { at: '2027-02-10T00:00:00.000Z', instances: { '1.0.0/1': 40 } },
            { at: '2027-02-11T00:00:00.000Z', instances: { '1.0.0/1': 30, '1.0.0/2': 10 } },
          ],
        },
      ],
      reach: [
        {
          image: 'base',
          channel: 'prod',
          ou: 'ou-x1y2-prd00001',
          rollout: { median: 1.3, worst: 2, notYet: 0 },
          afterWave: { median: 0.1, worst: 0.2, notYet: 0 },
          hand: { median: 291.1, worst: 315.1, notYet: 1 },
          versions: [],
        },
      ],
    };
    const { document } = parseHTML(renderHtml(result({ fleet }), channels));
    const day = [...document.querySelectorAll('#fleet .share[data-day="2027-02-11"] title')].map((t) => t.textContent);
    expect(day).toEqual(['2027-02-11 1.0.0/1: 30 instance(s), 75 %', '2027-02-11 1.0.0/2: 10 instance(s), 25 %']);
    expect(document.querySelector('#fleet-compliance tbody tr')?.textContent).toBe(
      '2027-02base/prod1.0.0/253.9 h4 dnot yetou-x1y2-prd00002',
    );
    expect(document.querySelector('#fleet-laggards tbody tr')?.textContent).toContain('200000000015');
    expect(
      [...(document.querySelector('#fleet-reach tbody tr')?.querySelectorAll('td') ?? [])].map((td) => td.textContent),
    ).toEqual([
      'base/prod',
      'ou-x1y2-prd00001',
      '0',
      'median 1.3 h, worst 2 h',
      'median 0.1 h, worst 0.2 h',
      'median 12.1 d, worst 13.1 d, 1 not yet',
    ]);
    expect(parseHTML(renderHtml(result(), channels)).document.querySelector('#fleet')).toBeNull();
  });

  it('marks revocations and rollbacks on the lanes they change, and dead letters with their recovery', () => {
    const r = result();
    r.timeline = [
      {
        at: '2027-01-20T00:00:00.000Z',
        image: 'base',
        kind: 'lifecycle',
        outcome: 'revoked',
        text: '1.0.0/1: revoked',
      },
      {
        at: '2027-01-20T00:00:00.000Z',
        image: 'base',
        channel: 'dev',
        kind: 'lifecycle',
        outcome: 'rolled-back',
        text: 'dev: rolled back to 1.0.0/0',
      },
      { at: '2027-01-21T00:00:00.000Z', image: '', kind: 'rejected-event', text: 'event rejected to DLQ: boom' },
      { at: '2027-01-22T00:00:00.000Z', image: '', kind: 'recovered', text: 'recovered (re-driven x): handled' },
    ];
    const { document } = parseHTML(renderHtml(r, channels));
    const marks = [...document.querySelectorAll('#lanes g.event')].map((g) => [
      g.getAttribute('data-kind'),
      g.getAttribute('data-channel') ?? '',
    ]);
    expect(marks).toEqual(
      expect.arrayContaining([
        ['revoked', ''],
        ['rolled-back', 'dev'],
        ['rejected-event', ''],
        ['recovered', ''],
      ]),
    );
    const legend = document.querySelector('#timeline .legend')?.textContent ?? '';
    for (const word of ['revoked', 'rolled-back', 'paused', 'resumed', 'recovered']) expect(legend).toContain(word);
  });
});
