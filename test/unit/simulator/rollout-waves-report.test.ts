import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../local/simulator/html/index.js';
import { rolloutsOf } from '../../../local/simulator/report-rollouts.js';
import { buildTimeline } from '../../../local/simulator/timeline.js';
import { emptyReport } from '../../fixtures/report.js';
import { rolloutGroup, rolloutRecord } from '../../fixtures/rollouts.js';

/**
 * A canary that failed and rolled back, halting the rollout of base 1.0.0/3 to prod, as the ledger holds it (the
 * record beside its other items): the simulation's timeline, its JSON report and its HTML report each show it.
 */
const halted = rolloutRecord({
  state: 'halted',
  currentWave: 0,
  endedAt: '2027-01-05T08:40:00.000Z',
  reason:
    'wave canary failed: web-111 in 111111111111 us-east-1: Instances failed the ELB health check (RollbackSuccessful)',
  waves: [
    {
      name: 'canary',
      state: 'rolled-back',
      startedAt: '2027-01-05T08:00:00.000Z',
      endedAt: '2027-01-05T08:40:00.000Z',
      rolledBackAt: '2027-01-05T09:05:00.000Z',
      groups: [rolloutGroup('111111111111', 'RollbackSuccessful', 'Instances failed the ELB health check')],
    },
    { name: 'wave-1', state: 'pending', groups: [] },
    { name: 'rest', state: 'pending', groups: [] },
  ],
  openWork: undefined,
});
const completed = rolloutRecord({
  version: '1.0.0/2',
  state: 'completed',
  startedAt: '2027-01-02T08:00:00.000Z',
  endedAt: '2027-01-02T10:00:00.000Z',
  currentWave: 0,
  waves: [
    {
      name: 'all',
      state: 'healthy',
      startedAt: '2027-01-02T08:00:00.000Z',
      endedAt: '2027-01-02T10:00:00.000Z',
      groups: [rolloutGroup('111111111111', 'Successful')],
    },
  ],
  openWork: undefined,
});
const item = (r: typeof halted) => ({ pk: 'IMAGE#base', sk: `ROLLOUT#prod#${r.version}`, kind: 'rollout', ...r });
const LEDGER = [item(completed), item(halted)];

describe('a halted canary in the simulation reports', () => {
  it('the timeline tells every wave of every rollout in causal order: started, failed, the halt, the rollback', () => {
    const timeline = buildTimeline({ ...emptyReport(), ledger: LEDGER }, [], [], [], [], ['dev', 'prod'])
      .filter((e) => e.kind === 'rollout')
      .map((e) => `${e.at.slice(0, 16)} ${e.outcome} ${e.text}`);
    expect(timeline).toEqual([
      '2027-01-02T08:00 wave-started 1.0.0/2 prod rollout wave 1/1 (all) started: 1 group in 1 account(s)',
      '2027-01-02T10:00 wave-healthy 1.0.0/2 prod rollout wave 1/1 (all) healthy: 1/1 group refreshed and baked',
      '2027-01-02T10:00 rollout-completed 1.0.0/2 prod rollout completed: 1 wave(s), 1 group refreshed',
      '2027-01-05T08:00 wave-started 1.0.0/3 prod rollout wave 1/3 (canary) started: 1 group in 1 account(s)',
      '2027-01-05T08:40 wave-failed 1.0.0/3 prod rollout wave 1/3 (canary) failed: 1/1 group failed (web-111 in 111111111111 us-east-1: RollbackSuccessful, Instances failed the ELB health check)',
      `2027-01-05T08:40 rollout-halted 1.0.0/3 prod rollout halted: ${halted.reason}; wave-1, rest will not start`,
      '2027-01-05T09:05 wave-rolled-back 1.0.0/3 prod rollout wave 1/3 (canary) rolled back: 1 group back on their previous launch template version (web-111 in 111111111111 us-east-1: RollbackSuccessful, Instances failed the ELB health check)',
    ]);
  });

  it('the JSON report lists each rollout with every wave, the halted canary and the waves it kept from starting', () => {
    expect(rolloutsOf(LEDGER)).toEqual([
      expect.objectContaining({ version: '1.0.0/2', state: 'completed', retries: 0 }),
      expect.objectContaining({
        version: '1.0.0/3',
        state: 'halted',
        waves: [
          {
            name: 'canary',
            state: 'rolled-back',
            startedAt: '2027-01-05T08:00:00.000Z',
            endedAt: '2027-01-05T08:40:00.000Z',
            rolledBackAt: '2027-01-05T09:05:00.000Z',
            groups: 1,
            refreshed: 0,
            back: 1,
          },
          { name: 'wave-1', state: 'pending', groups: 0, refreshed: 0, back: 0 },
          { name: 'rest', state: 'pending', groups: 0, refreshed: 0, back: 0 },
        ],
      }),
    ]);
  });

  it('the HTML report marks each wave on its channel lane and lists every wave in a table', () => {
    const report = emptyReport({
      scenario: { start: '2027-01-01T00:00:00Z', until: '2027-02-01T00:00:00Z', seed: 1 },
      builds: [
        {
          image: 'base',
          version: '1.0.0/3',
          trigger: 'package',
          status: 'AVAILABLE',
          requestedAt: '2027-01-04T00:00:00.000Z',
          finishedAt: '2027-01-04T01:00:00Z',
        },
      ],
      rollouts: rolloutsOf(LEDGER),
    });
    const timeline = buildTimeline({ ...report, ledger: LEDGER }, [], [], [], [], ['dev', 'prod']);
    const run = { wallMs: 1000, simulatedMonths: 1, monthsPerSecond: 1, steps: 1, peakRssMb: 100 };
    const html = renderHtml({ report, timeline, notes: [], run }, () => ['dev', 'prod']);
    const { document } = parseHTML(html);
    const marks = [...document.querySelectorAll('#lanes g[data-kind="rollout"]')].map((g) => [
      g.getAttribute('data-mark'),
      g.getAttribute('data-channel'),
    ]);
    expect(marks).toContainEqual(['wave-failed', 'prod']);
    expect(marks).toContainEqual(['rollout-halted', 'prod']);
    expect(marks).toContainEqual(['wave-rolled-back', 'prod']);
    expect(marks).toHaveLength(7);
    const rows = [...document.querySelectorAll('#rollouts tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent),
    );
    expect(rows).toEqual([
      ['base 1.0.0/2 → prod', '1/1 all', 'healthy'],
      ['base 1.0.0/3 → prod', '1/3 canary', 'rolled-back'],
      ['base 1.0.0/3 → prod', '2/3 wave-1', 'pending'],
      ['base 1.0.0/3 → prod', '3/3 rest', 'pending'],
    ]);
  });
});
