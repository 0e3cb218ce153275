import { describe, expect, it } from 'vitest';
import { historyOf } from '../../../cli/operator/ledger-history.js';
import { statusOf } from '../../../cli/operator/read.js';
import { renderStatus } from '../../../cli/operator/render.js';
import { catalog } from '../../handlers/promotion-fixtures.js';
import { savedStateOf } from '../../helpers/saved-cloud.js';

const AT = '2027-01-20T00:00:00.000Z';

/** Findings reported on base 1.0.0/1 at `at`, and what on-finding did. */
const found = (at: string, counts: Record<string, number>, done: string) => ({
  pk: 'IMAGE#base',
  sk: `FOUND#1.0.0/1#${at}`,
  kind: 'finding-arrival',
  image: 'base',
  version: '1.0.0/1',
  at,
  counts: { critical: 0, high: 0, medium: 0, low: 0, other: 0, ...counts },
  done,
});

const ledger = [
  found('2027-01-15T08:00:00.000Z', { medium: 1 }, 'within policy, nothing done'),
  found('2027-01-16T09:30:00.000Z', { critical: 1, medium: 1 }, 'revoked (prod: revokeOn), rebuild asked'),
];

/** The revocation the latest findings carried out at once (`revokeOn`): at their own time. */
const atOnce = {
  pk: 'IMAGE#base',
  sk: 'REVOCATION#1.0.0/1',
  version: '1.0.0/1',
  state: 'revoked',
  at: '2027-01-16T09:30:00.000Z',
  revokedAt: '2027-01-16T09:30:00.000Z',
  reason: '1 new critical finding',
};

describe('findings reported on a version', () => {
  it('status shows the latest and what was done about it', async () => {
    const state = savedStateOf(
      { at: AT, ledger: [...ledger, atOnce], executions: [], pointers: {}, builds: [], amis: [] },
      'x.ts',
    );
    const where = { kind: 'local' as const, dir: '/nowhere', state, catalog, as: undefined };

    const text = renderStatus(await statusOf(where), new Date(AT));

    expect(text).toContain(
      'last findings: 1.0.0/1 at 2027-01-16 09:30: findings reported: 1 critical, 1 medium — revoked (prod: revokeOn), rebuild asked\n',
    );
  });

  it('status says a requested revocation was carried out since, once it was', async () => {
    const requested = found(
      '2027-01-16T09:30:00.000Z',
      { critical: 1 },
      'revocation requested (prod): goldsmith revoke base 1.0.0/1 --reason R carries the revocation out',
    );
    const revoked = {
      pk: 'IMAGE#base',
      sk: 'REVOCATION#1.0.0/1',
      version: '1.0.0/1',
      state: 'revoked',
      at: '2027-01-16T09:30:00.000Z',
      revokedAt: '2027-01-17T10:00:00.000Z',
      reason: 'CVE-2027-0001',
    };
    const state = savedStateOf(
      { at: AT, ledger: [requested, revoked], executions: [], pointers: {}, builds: [], amis: [] },
      'x.ts',
    );
    const text = renderStatus(
      await statusOf({ kind: 'local' as const, dir: '/nowhere', state, catalog, as: undefined }),
      new Date(AT),
    );

    expect(text).toContain('carries the revocation out; revoked since, at 2027-01-17 10:00');
  });

  it('history shows each report, the one within policy too', () => {
    expect(historyOf(ledger).map((e) => e.what)).toEqual([
      'findings reported: 1 medium — within policy, nothing done',
      'findings reported: 1 critical, 1 medium — revoked (prod: revokeOn), rebuild asked',
    ]);
  });
});
