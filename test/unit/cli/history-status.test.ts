import { describe, expect, it } from 'vitest';
import { historyOf } from '../../../cli/operator/ledger-history.js';
import { renderHistory, renderStatus } from '../../../cli/operator/render.js';
import { imageView, type LedgerItem } from '../../../core/status/image-view.js';

const CHANNELS = ['dev', 'staging', 'prod'];
const REVOKER = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-operators/platform-engineer';

/** base 1.0.0/1 promoted to staging, prod's approval asked at the same instant, then revoked everywhere. */
const ITEMS: LedgerItem[] = [
  {
    sk: 'BUILD#1.0.0/1',
    buildVersion: '1.0.0/1',
    trigger: 'base-image',
    requestedAt: '2027-01-01T01:00:00.000Z',
    // Image Builder's own format, without milliseconds.
    updatedAt: '2027-01-01T01:52:00Z',
    status: 'AVAILABLE',
  },
  // Same second as the build's end, written by Goldsmith with milliseconds.
  {
    sk: 'SOAK#1.0.0/1#dev',
    version: '1.0.0/1',
    channel: 'dev',
    startedAt: '2027-01-01T01:52:00.000Z',
    until: '2027-01-02T01:52:00.000Z',
    state: 'soaking',
  },
  {
    sk: 'APPROVAL#1.0.0/1#prod',
    version: '1.0.0/1',
    channel: 'prod',
    approvers: ['ops-lead'],
    requestedAt: '2027-01-05T01:52:00.000Z',
    expiresAt: '2027-01-08T01:52:00.000Z',
  },
  {
    sk: 'PROMOTION#1.0.0/1#staging',
    version: '1.0.0/1',
    channel: 'staging',
    outcome: 'promoted',
    by: 'goldsmith',
    at: '2027-01-05T01:52:00.000Z',
  },
  {
    sk: 'REVOCATION#1.0.0/1',
    version: '1.0.0/1',
    reason: 'CVE-2027-0001',
    by: REVOKER,
    state: 'revoked',
    at: '2027-01-06T00:00:00.000Z',
  },
  {
    sk: 'ROLLBACK#staging#1.0.0/1',
    channel: 'staging',
    from: '1.0.0/1',
    to: null,
    reason: 'revoked (CVE-2027-0001); no earlier launchable version was promoted to staging',
    by: REVOKER,
    at: '2027-01-06T00:00:00.000Z',
  },
];

describe('history', () => {
  it('orders by instant, then cause before effect: staging promoted before prod approval asked', () => {
    const whats = historyOf(ITEMS, undefined, CHANNELS).map((e) => e.what);

    expect(whats.indexOf('promoted by goldsmith')).toBeLessThan(
      whats.findIndex((w) => w.startsWith('approval requested')),
    );
    expect(whats.indexOf('build AVAILABLE')).toBeLessThan(whats.findIndex((w) => w.startsWith('soak started')));
  });

  it('uses one time format: ISO with milliseconds in JSON, minutes in the text', () => {
    const entries = historyOf(ITEMS, undefined, CHANNELS);

    for (const e of entries) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(entries.map((e) => e.what)).toContain('soak started, ends 2027-01-02 01:52');
    expect(entries.map((e) => e.what)).toContain('approval requested from ops-lead (expires 2027-01-08 01:52)');
  });

  it("includes a revocation's pointer roll-backs, after the revocation", () => {
    const text = renderHistory('base', historyOf(ITEMS, undefined, CHANNELS));
    const lines = text.trim().split('\n');

    expect(lines.at(-2)).toContain(`revoked by ${REVOKER}: CVE-2027-0001`);
    expect(lines.at(-1)).toBe(
      `2027-01-06 00:00  1.0.0/1   staging  pointer withdrawn from 1.0.0/1 by ${REVOKER}: ` +
        'revoked (CVE-2027-0001); no earlier launchable version was promoted to staging',
    );
  });
});

describe('history of the lifecycle', () => {
  const lifecycle = [
    {
      sk: 'BUILD#1.0.0/1',
      buildVersion: '1.0.0/1',
      requestedAt: '2027-01-01T00:00:00.000Z',
      updatedAt: '2027-01-01T01:00:00.000Z',
      status: 'AVAILABLE',
      trigger: 'schedule',
      retiredAt: '2027-03-01T00:00:00.000Z',
      deletedAt: '2027-04-20T00:00:00.000Z',
      flaggedAt: '2027-02-15T00:00:00.000Z',
      flaggedReason: 'parent base 0.9.0/1 revoked: CVE-2027-0003',
      deletedReason: 'released by an operator',
    },
    {
      sk: 'HOLD#1.0.0/1',
      version: '1.0.0/1',
      firstHeldAt: '2027-03-08T00:00:00.000Z',
      heldUntil: '2027-04-07T00:00:00.000Z',
      // As aws/fleet/usage-ledger.ts recordHold writes them: the accounts by id.
      accounts: ['111111111111', '222222222222'],
      instances: 5,
      expiryAnnouncedAt: '2027-04-07T06:00:00.000Z',
      releasedAt: '2027-04-19T10:00:00.000Z',
      releasedBy: 'ops-lead',
      releaseReason: 'teams A and B accepted: INC-55',
    },
    {
      sk: 'REVOCATION#1.0.0/2',
      version: '1.0.0/2',
      reason: 'CVE-2027-0002 over policy',
      state: 'revoked',
      at: '2027-02-01T00:00:00.000Z',
      revokedAt: '2027-02-01T02:00:00.000Z',
      by: 'goldsmith (vulnerabilities.revokeOn)',
    },
  ];

  it('tells retirement, the hold, its end and its release (who and why), and the deletion', () => {
    const whats = historyOf(lifecycle).map((e) => e.what);
    expect(whats.slice(2)).toEqual([
      'revocation requested: CVE-2027-0002 over policy',
      'revoked by goldsmith (vulnerabilities.revokeOn): CVE-2027-0002 over policy',
      'flagged: parent base 0.9.0/1 revoked: CVE-2027-0003; held out of every further channel; its rebuild on the rolled-back parent is promoted instead',
      'retired: out of retention',
      'held past retention: 2 account(s), 5 instance(s) still use it (hold ends 2027-04-07 00:00)',
      'hold ended: an operator may release it',
      'released by ops-lead: teams A and B accepted: INC-55',
      'deleted: released by an operator',
    ]);
  });

  it("tells a requested revocation by its own reason when an operator's revoke later carried it out with another", () => {
    const revocation = {
      sk: 'REVOCATION#1.0.0/2',
      version: '1.0.0/2',
      // As markRevoked leaves a request it carries out: the revoke's reason, the request's kept beside it.
      reason: 'CVE-2027-0001 confirmed by security',
      requestedReason: '1 critical finding over dev',
      state: 'revoked',
      at: '2027-02-01T12:00:00.000Z',
      revokedAt: '2027-02-01T18:00:00.000Z',
      by: REVOKER,
    };
    expect(historyOf([revocation]).map((e) => [e.at, e.what])).toEqual([
      ['2027-02-01T12:00:00.000Z', 'revocation requested: 1 critical finding over dev'],
      ['2027-02-01T18:00:00.000Z', `revoked by ${REVOKER}: CVE-2027-0001 confirmed by security`],
    ]);
  });

  it('tells each revocation of a version revoked, restored and revoked again by its own reason, and no request', () => {
    const revocation = {
      sk: 'REVOCATION#1.0.0/2',
      version: '1.0.0/2',
      // As markRevoked leaves a restored revocation it revokes again: the first kept in `earlier`, its restore with it.
      reason: 'CVE-2027-0009 confirmed',
      state: 'revoked',
      at: '2027-02-01T12:00:00.000Z',
      revokedAt: '2027-02-03T12:00:00.000Z',
      by: REVOKER,
      earlier: [
        {
          revokedAt: '2027-02-01T12:00:00.000Z',
          by: REVOKER,
          reason: 'CVE-2027-0001',
          restoredAt: '2027-02-02T12:00:00.000Z',
          restoredBy: 'ops-lead',
          restoreReason: 'the CVE does not apply',
        },
      ],
    };
    expect(historyOf([revocation]).map((e) => [e.at, e.what])).toEqual([
      ['2027-02-01T12:00:00.000Z', `revoked by ${REVOKER}: CVE-2027-0001`],
      [
        '2027-02-02T12:00:00.000Z',
        'restored by ops-lead: the CVE does not apply (no longer revoked; no channel moved back to it)',
      ],
      ['2027-02-03T12:00:00.000Z', `revoked by ${REVOKER}: CVE-2027-0009 confirmed`],
    ]);
  });
});

describe('status of a version held in use', () => {
  it('names the version, since when, how many accounts and instances, the end of the hold and a release', () => {
    const build: LedgerItem = {
      sk: 'BUILD#1.0.0/1',
      buildVersion: '1.0.0/1',
      status: 'AVAILABLE',
      requestedAt: '2027-01-01T00:00:00.000Z',
    };
    const hold: LedgerItem = {
      sk: 'HOLD#1.0.0/1',
      version: '1.0.0/1',
      firstHeldAt: '2027-03-08T00:00:00.000Z',
      heldUntil: '2027-04-07T00:00:00.000Z',
      accounts: 2,
      instances: 5,
      releasedAt: '2027-04-19T10:00:00.000Z',
      releasedBy: 'ops-lead',
    };
    const view = imageView('base', CHANNELS, [build, hold], new Date('2027-04-19T12:00:00.000Z'));
    expect(view.held).toEqual([
      {
        version: '1.0.0/1',
        since: '2027-03-08T00:00:00.000Z',
        accounts: 2,
        instances: 5,
        until: '2027-04-07T00:00:00.000Z',
        released: { at: '2027-04-19T10:00:00.000Z', by: 'ops-lead' },
      },
    ]);
    const cost = {
      currency: 'USD',
      buildsLast30Days: 0,
      buildCostLast30Days: 0,
      unfinishedLast30Days: 0,
      storagePerMonth: 0,
    };
    expect(renderStatus([{ ...view, cost }], new Date('2027-04-19T12:00:00.000Z'))).toContain(
      '  held in use: 1.0.0/1 since 2027-03-08 00:00, 2 account(s), 5 instance(s) (hold ends 2027-04-07 00:00); ' +
        'released 2027-04-19 10:00 by ops-lead',
    );
    // Once deleted, it is no longer held.
    const gone = [{ ...build, deletedAt: '2027-04-20T00:00:00.000Z' }, hold];
    expect(imageView('base', CHANNELS, gone, new Date('2027-04-21T00:00:00.000Z')).held).toBeUndefined();
  });
});

describe('status after a revocation', () => {
  it('says the channel was revoked, counts no build behind, and waits for nothing of it', () => {
    const view = imageView('base', CHANNELS, ITEMS, new Date('2027-01-07T00:00:00.000Z'));

    expect(view.channels.map((c) => c.lagBuilds)).toEqual([0, 0, 0]);
    expect(view.channels.find((c) => c.channel === 'staging')?.revoked).toEqual({
      version: '1.0.0/1',
      at: '2027-01-06T00:00:00.000Z',
      reason: 'CVE-2027-0001',
    });
    expect(view.channels.find((c) => c.channel === 'prod')?.waiting).toBeUndefined();
    expect(view.inFlight).toEqual([]);
  });
});

describe("status of a container image's pointer", () => {
  it('shows the digest each region names', () => {
    const digest = `sha256:${'d85c65fb860d'.padEnd(64, '0')}`;
    const items: LedgerItem[] = [
      {
        sk: 'CHANNEL#dev',
        version: '1.0.0/1',
        amis: [],
        at: '2027-01-04T04:52:00.000Z',
        versionKey: '00000001.00000000.00000000.00000001',
      },
      {
        sk: 'POINTER#dev#00000001.00000000.00000000.00000001',
        channel: 'dev',
        version: '1.0.0/1',
        regions: [{ region: 'us-east-1', value: `123456789012.dkr.ecr.us-east-1.amazonaws.com/golden/web@${digest}` }],
      },
    ];

    expect(imageView('web', CHANNELS, items, new Date('2027-01-05T00:00:00Z')).channels[0]?.pointer).toEqual({
      version: '1.0.0/1',
      at: '2027-01-04T04:52:00.000Z',
      amis: {},
      digests: { 'us-east-1': digest },
    });
  });
});

describe('status and history of paused builds', () => {
  const failed = (n: number): LedgerItem => ({
    sk: `BUILD#1.0.0/${n}`,
    buildVersion: `1.0.0/${n}`,
    trigger: 'package',
    requestedAt: `2027-02-0${n}T10:00:00.000Z`,
    updatedAt: `2027-02-0${n}T10:27:00.000Z`,
    status: 'FAILED',
  });
  const breaker: LedgerItem = {
    sk: 'BREAKER',
    state: 'tripped',
    trippedAt: '2027-02-06T10:27:00.000Z',
    trippedBy: '1.0.0/6',
    failedBuilds: ['1.0.0/4', '1.0.0/5', '1.0.0/6'],
    threshold: 3,
    // An earlier pause, resumed by an operator.
    earlier: [
      {
        trippedAt: '2027-02-03T10:27:00.000Z',
        trippedBy: '1.0.0/3',
        failedBuilds: ['1.0.0/1', '1.0.0/2', '1.0.0/3'],
        resumedAt: '2027-02-03T12:00:00.000Z',
        resumedBy: 'platform-engineer',
        resumeReason: 'mirror fixed',
      },
    ],
  };
  const items = [1, 2, 3, 4, 5, 6].map(failed);

  it('shows since when, after which builds, and the command that resumes them', () => {
    const view = imageView('base', CHANNELS, items, new Date('2027-02-07T00:00:00.000Z'));
    const cost = {
      currency: 'USD',
      buildsLast30Days: 0,
      buildCostLast30Days: 0,
      unfinishedLast30Days: 0,
      storagePerMonth: 0,
    };
    const buildsPaused = {
      since: '2027-02-06T10:27:00.000Z',
      failedBuilds: ['1.0.0/4', '1.0.0/5', '1.0.0/6'],
      resume: 'goldsmith resume base --builds',
    };

    expect(renderStatus([{ ...view, buildsPaused, cost }], new Date('2027-02-07T00:00:00.000Z'))).toContain(
      '  builds paused since 2027-02-06 10:27: the last 3 builds failed in a row (1.0.0/4, 1.0.0/5, 1.0.0/6); ' +
        'resume with goldsmith resume base --builds',
    );
  });

  it('tells each pause after the failure that caused it, and who resumed the builds and why', () => {
    const lines = historyOf([...items, breaker], undefined, CHANNELS).map((e) => `${e.at} ${e.what}`);

    expect(lines.slice(5, 9)).toEqual([
      '2027-02-03T10:27:00.000Z build FAILED',
      '2027-02-03T10:27:00.000Z builds paused: the last 3 builds failed in a row (1.0.0/1, 1.0.0/2, 1.0.0/3)',
      '2027-02-03T12:00:00.000Z builds resumed by platform-engineer: mirror fixed',
      '2027-02-04T10:00:00.000Z build requested (package)',
    ]);
    expect(lines.at(-1)).toBe(
      '2027-02-06T10:27:00.000Z builds paused: the last 3 builds failed in a row (1.0.0/4, 1.0.0/5, 1.0.0/6)',
    );
  });
});
