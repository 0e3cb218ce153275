import { describe, expect, it } from 'vitest';
import { historyOf } from '../../../cli/operator/ledger-history.js';
import { renderStatus } from '../../../cli/operator/render.js';
import { imageView, type LedgerItem } from '../../../core/status/image-view.js';

const CHANNELS = ['dev', 'staging', 'prod'];
const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/platform-engineer';

/** 1.0.0/1 paused at dev then at staging, resumed by an operator, promoted to staging in the resumption's instant. */
const ITEMS: LedgerItem[] = [
  {
    sk: 'DECISION#2027-01-01T00:00:00.000Z',
    trigger: 'schedule',
    outcome: 'start',
    reason: 'weekly rebuild',
    decidedAt: '2027-01-01T00:00:00.000Z',
  },
  {
    sk: 'BUILD#1.0.0/1',
    buildVersion: '1.0.0/1',
    trigger: 'schedule',
    requestedAt: '2027-01-01T00:00:00.000Z',
    updatedAt: '2027-01-01T01:00:00Z',
    status: 'AVAILABLE',
  },
  { sk: 'BUILD#1.0.0/2', buildVersion: '1.0.0/2', trigger: 'manual', requestedAt: '2027-01-03T00:00:00.000Z' },
  {
    sk: 'PAUSED#1.0.0/1',
    version: '1.0.0/1',
    channel: 'staging',
    status: 'resumed',
    pauses: [
      { at: '2027-01-01T02:00:00.000Z', channel: 'dev', reason: 'ThrottlingException: slow down' },
      { at: '2027-01-02T02:00:00.000Z', channel: 'staging', reason: 'ThrottlingException: slow down' },
    ],
    resumptions: [
      { at: '2027-01-01T03:00:00.000Z', by: 'goldsmith', n: 1 },
      { at: '2027-01-02T09:00:00.000Z', by: OPERATOR, n: 2, reason: 'SSM throttling is over' },
    ],
  },
  {
    sk: 'PROMOTION#1.0.0/1#dev',
    version: '1.0.0/1',
    channel: 'dev',
    outcome: 'promoted',
    at: '2027-01-01T04:00:00.000Z',
  },
  {
    sk: 'PROMOTION#1.0.0/1#staging',
    version: '1.0.0/1',
    channel: 'staging',
    outcome: 'promoted',
    at: '2027-01-02T09:00:00.000Z',
  },
  {
    sk: 'REVOCATION#1.0.0/1',
    version: '1.0.0/1',
    reason: 'CVE-2027-0001',
    by: OPERATOR,
    state: 'revoked',
    at: '2027-01-04T00:00:00.000Z',
  },
];

describe('history of a resumed promotion', () => {
  it('shows the reason the operator gave to resume', () => {
    const whats = historyOf(ITEMS, undefined, CHANNELS).map((e) => e.what);

    expect(whats).toContain(`promotion resumed by ${OPERATOR} (resumption 2): SSM throttling is over`);
    expect(whats).toContain('promotion resumed automatically by the reconciler (resumption 1)');
  });

  it('shows the reason in status while the resumed promotion is undecided', () => {
    const pause: LedgerItem = {
      sk: 'PAUSED#1.0.0/2',
      version: '1.0.0/2',
      channel: 'dev',
      status: 'resumed',
      reason: 'ThrottlingException: slow down',
      pausedAt: '2027-01-03T02:00:00.000Z',
      resumes: 4,
      resumedAt: '2027-01-03T09:00:00.000Z',
      resumedBy: OPERATOR,
      resumedReason: 'SSM throttling is over',
    };
    const building: LedgerItem = { ...ITEMS[2]!, status: 'AVAILABLE', updatedAt: '2027-01-03T01:00:00.000Z' };
    const at = new Date('2027-01-03T10:00:00.000Z');
    const view = imageView('base', CHANNELS, [building, pause], at);
    const cost = {
      currency: 'USD',
      buildsLast30Days: 0,
      buildCostLast30Days: 0,
      unfinishedLast30Days: 0,
      storagePerMonth: 0,
    };

    expect(renderStatus([{ ...view, cost }], at)).toContain(
      `    promotion resumed by ${OPERATOR} (resumption 4) at 2027-01-03 09:00: SSM throttling is over; it had paused at dev`,
    );
  });

  it('puts a resumption before the promotion its execution made in the same instant', () => {
    const whats = historyOf(ITEMS, undefined, CHANNELS)
      .filter((e) => e.at === '2027-01-02T09:00:00.000Z')
      .map((e) => e.what);

    expect(whats).toEqual([
      `promotion resumed by ${OPERATOR} (resumption 2): SSM throttling is over`,
      'promoted by goldsmith',
    ]);
  });
});

describe('history of an aborted promotion', () => {
  it("says what the aborted channel's withdrawn grants were, from the ledger's confirmed record", () => {
    const aborted: LedgerItem = {
      sk: 'PROMOTION#1.0.0/1#prod',
      version: '1.0.0/1',
      channel: 'prod',
      outcome: 'aborted',
      reason: 'revoked by goldsmith: CVE-2027-0001',
      at: '2027-01-03T00:00:00.000Z',
      withdrawn: {
        at: '2027-01-03T00:00:01.000Z',
        regions: ['us-east-1', 'eu-west-1'],
        ous: 1,
        accounts: 2,
        kept: ['dev', 'staging'],
      },
    };
    const lines = historyOf([...ITEMS, aborted], 'prod', CHANNELS).map((e) => `${e.channel ?? ''} ${e.what}`);

    expect(lines).toContain(
      'prod grants withdrawn: 1 OU(s), 2 account(s) in us-east-1, eu-west-1 (still granted through dev, staging)',
    );
    expect(lines.indexOf('prod aborted by goldsmith: revoked by goldsmith: CVE-2027-0001')).toBe(
      lines.findIndex((l) => l.includes('grants withdrawn')) - 1,
    );
  });
});

describe('history --channel', () => {
  it("keeps the channel's lines, the revocation and the builds of versions that reached it", () => {
    const lines = historyOf(ITEMS, 'dev', CHANNELS).map((e) => `${e.version ?? ''} ${e.channel ?? ''} ${e.what}`);

    expect(lines).toEqual([
      '1.0.0/1  build requested (schedule)',
      '1.0.0/1  build AVAILABLE',
      '1.0.0/1 dev promotion paused at dev: ThrottlingException: slow down',
      '1.0.0/1 dev promotion resumed automatically by the reconciler (resumption 1)',
      '1.0.0/1 dev promoted by goldsmith',
      `1.0.0/1  revoked by ${OPERATOR}: CVE-2027-0001`,
    ]);
  });

  it('leaves out trigger decisions, other channels and builds that never reached the channel', () => {
    const whats = historyOf(ITEMS, 'staging', CHANNELS).map((e) => e.what);

    expect(whats.some((w) => w.includes('trigger'))).toBe(false);
    expect(whats).not.toContain('build requested (manual)');
    expect(whats).not.toContain('promotion paused at dev: ThrottlingException: slow down');
    expect(whats).toContain('promotion paused at staging: ThrottlingException: slow down');
  });
});

describe('history: a finding that revokes and rebuilds at one instant', () => {
  it('reads the revocation before the rebuild decided with it', () => {
    const at = '2027-01-18T00:00:00.000Z';
    const lines = historyOf(
      [
        { sk: `DECISION#${at}`, trigger: 'cve', outcome: 'start', reason: 'critical finding', decidedAt: at },
        { sk: 'BUILD#1.0.0/2', buildVersion: '1.0.0/2', trigger: 'cve', requestedAt: at },
        { sk: 'REVOCATION#1.0.0/1', version: '1.0.0/1', state: 'revoked', at, revokedAt: at, reason: 'CVE-1' },
      ],
      undefined,
      CHANNELS,
    ).map((e) => e.what);
    const revoked = lines.findIndex((l) => l.startsWith('revoked by goldsmith: CVE-1'));
    expect(revoked).toBeGreaterThanOrEqual(0);
    expect(lines.slice(revoked + 1).some((l) => l.includes('build requested'))).toBe(true);
    expect(lines.slice(0, revoked).some((l) => l.includes('build requested'))).toBe(false);
  });
});

describe('history: a revocation taken back', () => {
  it('shows the revocation, then the restore with who and why, and no revocation "requested"', () => {
    const lines = historyOf(
      [
        {
          sk: 'REVOCATION#1.0.0/1',
          version: '1.0.0/1',
          state: 'restored',
          at: '2027-01-18T00:00:00.000Z',
          revokedAt: '2027-01-18T00:00:00.000Z',
          by: OPERATOR,
          reason: 'CVE-1',
          restoredAt: '2027-01-19T00:00:00.000Z',
          restoredBy: OPERATOR,
          restoreReason: 'the CVE does not apply',
        },
      ],
      undefined,
      CHANNELS,
    ).map((e) => `${e.at} ${e.what}`);
    expect(lines).toEqual([
      `2027-01-18T00:00:00.000Z revoked by ${OPERATOR}: CVE-1`,
      `2027-01-19T00:00:00.000Z restored by ${OPERATOR}: the CVE does not apply (no longer revoked; no channel moved back to it)`,
    ]);
  });
});
