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

/** `goldsmith status` of a saved cloud whose ledger holds `items`, as printed at AT. */
async function statusText(items: Record<string, unknown>[]): Promise<string> {
  const state = savedStateOf({ at: AT, ledger: items, executions: [], pointers: {}, builds: [], amis: [] }, 'x.ts');
  return renderStatus(
    await statusOf({ kind: 'local' as const, dir: '/nowhere', state, catalog, as: undefined }),
    new Date(AT),
  );
}

/** A revocation of base `version` a finding asked for at `at`, nobody having carried it out. */
const requestedRevocation = (version: string, at: string, extra: Record<string, unknown> = {}) => ({
  pk: 'IMAGE#base',
  sk: `REVOCATION#${version}`,
  kind: 'revocation',
  image: 'base',
  version,
  state: 'requested',
  at,
  reason: '1 new critical finding (CVE-2027-0007)',
  channels: ['prod'],
  ...extra,
});

describe('findings reported on a version', () => {
  it('status shows the latest and what was done about it', async () => {
    const text = await statusText([...ledger, atOnce]);

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
    const text = await statusText([requested, revoked]);

    expect(text).toContain('carries the revocation out; revoked since, at 2027-01-17 10:00');
    expect(text).not.toContain('waiting for an operator');
  });

  it('status keeps a requested revocation in view until it is carried out, oldest first', async () => {
    const text = await statusText([
      requestedRevocation('1.0.0/3', '2027-01-18T08:00:00.000Z'),
      requestedRevocation('1.0.0/2', '2027-01-16T09:30:00.000Z', { channels: ['staging', 'prod'] }),
      // A channel's `revokeOn` marked it to be carried out at once, and it is not yet: still in view.
      requestedRevocation('1.0.0/4', '2027-01-19T08:00:00.000Z', { atOnce: { at: '2027-01-19T08:00:00.000Z' } }),
      // Of a version the lifecycle deleted since.
      requestedRevocation('1.0.0/1', '2027-01-10T08:00:00.000Z'),
      { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/1', buildVersion: '1.0.0/1', deletedAt: '2027-01-12T00:00:00.000Z' },
    ]);

    const lines = text.split('\n').filter((l) => l.includes('revocation requested'));
    expect(lines).toEqual([
      '  1.0.0/2: revocation requested 2027-01-16 09:30 (staging, prod), waiting for an operator: 1 new critical finding (CVE-2027-0007); carry it out: goldsmith revoke base 1.0.0/2 --reason R (with --withdraw where it is all a channel was promoted to)',
      '  1.0.0/3: revocation requested 2027-01-18 08:00 (prod), waiting for an operator: 1 new critical finding (CVE-2027-0007); carry it out: goldsmith revoke base 1.0.0/3 --reason R (with --withdraw where it is all a channel was promoted to)',
      '  1.0.0/4: revocation requested 2027-01-19 08:00 (prod), to be carried out at once (revokeOn), not yet: 1 new critical finding (CVE-2027-0007); carry it out: goldsmith revoke base 1.0.0/4 --reason R (with --withdraw where it is all a channel was promoted to)',
    ]);
  });

  it('history shows each report, the one within policy too', () => {
    expect(historyOf(ledger).map((e) => e.what)).toEqual([
      'findings reported: 1 medium — within policy, nothing done',
      'findings reported: 1 critical, 1 medium — revoked (prod: revokeOn), rebuild asked',
    ]);
  });
});
