import { describe, expect, it } from 'vitest';
import { historyOf } from '../../../cli/operator/ledger-history.js';
import { statusOf } from '../../../cli/operator/read.js';
import { renderStatus } from '../../../cli/operator/render.js';
import type { SavedState } from '../../../cli/operator/saved-state.js';
import { catalog } from '../../handlers/promotion-fixtures.js';
import { savedStateOf } from '../../helpers/saved-cloud.js';

const cost = {
  currency: 'USD',
  instanceSeconds: 3600,
  instance: 0.1008,
  copy: 0.32,
  storagePerMonth: 1.2,
  total: 0.4208,
  pricesAsOf: '2026-11-01',
};

const build = (version: string, status: string, extra: Record<string, unknown> = {}) => ({
  pk: 'IMAGE#base',
  sk: `BUILD#${version}`,
  kind: 'build',
  image: 'base',
  buildVersion: version,
  status,
  trigger: 'schedule',
  requestedAt: '2027-01-14T03:00:00.000Z',
  updatedAt: '2027-01-14T05:00:00.000Z',
  ...extra,
});

function savedWith(ledger: Record<string, unknown>[]): SavedState {
  const at = '2027-01-20T00:00:00.000Z';
  return savedStateOf({ at, ledger, executions: [], pointers: {}, builds: [], amis: [] }, 'goldsmith.config.ts');
}

describe('the cost on the ledger’s build items', () => {
  it('shows in history next to the build’s outcome', () => {
    const entries = historyOf([build('1.0.0/1', 'AVAILABLE', { cost })]);

    expect(entries.map((e) => e.what)).toContain('build AVAILABLE (cost ≈ 0.42 USD + 1.20/month storage)');
  });

  it('is what status adds up, rather than a second estimate of its own', async () => {
    const expensive = { ...cost, total: 12.5, storagePerMonth: 3 };
    const where = {
      kind: 'local' as const,
      dir: '/nowhere',
      state: savedWith([build('1.0.0/1', 'AVAILABLE', { cost: expensive }), build('1.0.0/2', 'FAILED', { cost })]),
      catalog,
      as: undefined,
    };

    const base = (await statusOf(where)).find((s) => s.image === 'base');

    expect(base?.cost).toEqual({
      currency: 'USD',
      buildsLast30Days: 2,
      buildCostLast30Days: 12.92,
      unfinishedLast30Days: 0,
      storagePerMonth: 4.2,
    });
  });

  it('counts no cost for a build still running, and status says it is not known yet', async () => {
    const running = build('1.0.0/2', 'BUILDING');
    delete (running as { updatedAt?: string }).updatedAt;
    const where = {
      kind: 'local' as const,
      dir: '/nowhere',
      state: savedWith([build('1.0.0/1', 'AVAILABLE', { cost }), running]),
      catalog,
      as: undefined,
    };

    const base = (await statusOf(where)).find((s) => s.image === 'base');

    expect(base?.cost).toMatchObject({ buildsLast30Days: 1, buildCostLast30Days: 0.42, unfinishedLast30Days: 1 });
    const text = renderStatus(base ? [base] : [], new Date('2027-01-20T00:00:00.000Z'));
    expect(text).toContain('cost: 1 finished build(s) in 30 days ≈ 0.42 USD (1 still building: cost not known yet);');
  });
});
