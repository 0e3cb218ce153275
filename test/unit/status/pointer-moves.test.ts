import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../cli/operator/render.js';
import { imageView, type LedgerItem } from '../../../core/status/image-view.js';

const CHANNELS = ['dev', 'prod'];
const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/platform-engineer';
const COST = {
  currency: 'USD',
  buildsLast30Days: 0,
  buildCostLast30Days: 0,
  unfinishedLast30Days: 0,
  storagePerMonth: 0,
};

const build = (n: number): LedgerItem => ({
  sk: `BUILD#1.0.0/${n}`,
  buildVersion: `1.0.0/${n}`,
  requestedAt: `2027-01-0${n}T01:00:00.000Z`,
  updatedAt: `2027-01-0${n}T02:00:00.000Z`,
  status: 'AVAILABLE',
});

/** prod on 1.0.0/2, rolled back by an operator to 1.0.0/1 (the pointer and its audit record, as rollback writes them). */
const ROLLED_BACK: LedgerItem[] = [
  build(1),
  build(2),
  { sk: 'CHANNEL#prod', version: '1.0.0/1', at: '2027-01-05T10:00:00.000Z', amis: [] },
  {
    sk: 'ROLLBACK#prod#1.0.0/2',
    channel: 'prod',
    from: '1.0.0/2',
    to: '1.0.0/1',
    reason: 'agent crashes on boot',
    by: OPERATOR,
    at: '2027-01-05T10:00:00.000Z',
  },
];

/** 1.0.0/2, rolled back from prod by hand, revoked a day later: the revocation moved no channel. */
const REVOKED_LATER: LedgerItem = {
  sk: 'REVOCATION#1.0.0/2',
  version: '1.0.0/2',
  reason: 'CVE-2027-0002',
  by: OPERATOR,
  channels: [],
  state: 'revoked',
  at: '2027-01-06T12:00:00.000Z',
  revokedAt: '2027-01-06T12:00:00.000Z',
};

const prodLine = (items: LedgerItem[]) => {
  const view = imageView('base', CHANNELS, items, new Date('2027-01-07T00:00:00.000Z'));
  const text = renderStatus([{ ...view, cost: COST }], new Date('2027-01-07T00:00:00.000Z'));
  return text.split('\n').find((l) => l.startsWith('  prod'));
};

describe("status of an operator's rollback", () => {
  it('says who rolled the channel back, when and why', () => {
    expect(prodLine(ROLLED_BACK)).toBe(
      `  prod  1.0.0/1    (since 2027-01-05 10:00); rolled back by ${OPERATOR} at 2027-01-05 10:00: ` +
        'agent crashes on boot (from 1.0.0/2); 1 build(s) behind',
    );
  });

  it('does not call the rollback a revocation when the version is revoked later', () => {
    const line = prodLine([...ROLLED_BACK, REVOKED_LATER]);

    expect(line).toContain(`rolled back by ${OPERATOR} at 2027-01-05 10:00: agent crashes on boot`);
    expect(line).not.toContain('revoked');
  });

  it("keeps a revocation's own time and reason for the move the revocation made", () => {
    const items: LedgerItem[] = [
      build(1),
      build(2),
      { sk: 'CHANNEL#prod', version: '1.0.0/1', at: '2027-01-06T12:00:00.000Z', amis: [] },
      { ...REVOKED_LATER, channels: ['prod'], at: '2027-01-06T09:00:00.000Z' },
      {
        sk: 'ROLLBACK#prod#1.0.0/2',
        channel: 'prod',
        from: '1.0.0/2',
        to: '1.0.0/1',
        reason: 'revoked: CVE-2027-0002',
        by: OPERATOR,
        at: '2027-01-06T12:00:00.000Z',
      },
    ];

    expect(prodLine(items)).toBe(
      '  prod  1.0.0/1    (since 2027-01-06 12:00); 1.0.0/2 revoked 2027-01-06 12:00 (CVE-2027-0002)',
    );
  });

  it('says nothing of a rollback once a promotion moved the pointer on', () => {
    const promoted = ROLLED_BACK.map((i) =>
      i.sk === 'CHANNEL#prod' ? { ...i, version: '1.0.0/3', at: '2027-01-06T00:00:00.000Z' } : i,
    );

    expect(prodLine([...promoted, build(3)])).not.toContain('rolled back');
  });

  it('says a restored revocation was restored, by whom and when, and that the channel keeps its version', () => {
    const items: LedgerItem[] = [
      build(1),
      build(2),
      { sk: 'CHANNEL#prod', version: '1.0.0/1', at: '2027-01-06T12:00:00.000Z', amis: [] },
      {
        ...REVOKED_LATER,
        channels: ['prod'],
        state: 'restored',
        restoredAt: '2027-01-06T18:30:00.000Z',
        restoredBy: OPERATOR,
        restoreReason: 'false positive',
      },
      {
        sk: 'ROLLBACK#prod#1.0.0/2',
        channel: 'prod',
        from: '1.0.0/2',
        to: '1.0.0/1',
        reason: 'revoked: CVE-2027-0002',
        by: OPERATOR,
        at: '2027-01-06T12:00:00.000Z',
      },
    ];

    expect(prodLine(items)).toBe(
      '  prod  1.0.0/1    (since 2027-01-06 12:00); 1.0.0/2 revoked 2027-01-06 12:00 (CVE-2027-0002), ' +
        `restored by ${OPERATOR} at 2027-01-06 18:30 (false positive): launchable again, not this channel's ` +
        'version unless promoted here again; 1 build(s) behind',
    );
  });
});
