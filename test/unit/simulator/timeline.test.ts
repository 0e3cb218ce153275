import { describe, expect, it } from 'vitest';
import { buildTimeline, shortenArns } from '../../../local/simulator/timeline.js';
import { foldRepeats, RepeatFolder } from '../../../local/simulator/timeline-fold.js';
import { emptyReport } from '../../fixtures/report.js';

const CHANNELS = ['dev', 'staging', 'prod'];
const T = '2027-01-18T03:52:00';

const promotion = (channel: string, outcome: string, at: string, version = '1.0.0/1') => ({
  image: 'base',
  version,
  channel,
  outcome,
  reason: outcome === 'promoted' ? '' : `${outcome} by someone`,
  at,
  regions: ['us-east-1'],
  targets: { ous: 1, accounts: 3 },
});

const approvalRequested = (channel: string, at: string, version = '1.0.0/1') => ({
  event: 'approval-requested',
  image: 'base',
  channel,
  at,
  subject: `Approve base ${version} for ${channel}?`,
});

describe('buildTimeline', () => {
  it('puts a channel outcome after its approval request when both happen in the same instant', () => {
    for (const outcome of ['promoted', 'rejected', 'expired', 'aborted']) {
      const r = emptyReport({
        promotions: [promotion('prod', outcome, `${T}.000Z`), promotion('staging', 'promoted', `${T}.000Z`)],
        notifications: [approvalRequested('prod', `${T}.000Z`)],
      });
      const lines = buildTimeline(r, [], [], [], [], CHANNELS).map((e) => e.text);
      expect(lines[0]).toBe('1.0.0/1 promoted to staging');
      expect(lines[1]).toBe('1.0.0/1 approval requested for prod');
      expect(lines[2]).toMatch(
        new RegExp(`^1\\.0\\.0/1 ${outcome === 'promoted' ? 'promoted to' : `${outcome} for`} prod`),
      );
    }
  });

  it('puts a build finishing before an outcome stamped with the same instant in another time format', () => {
    const r = emptyReport({
      builds: [
        {
          image: 'base',
          version: '1.0.0/1',
          trigger: 'schedule',
          status: 'AVAILABLE',
          requestedAt: '2027-01-03T04:00:00.000Z',
          finishedAt: `${T}Z`,
        },
      ],
      promotions: [promotion('dev', 'aborted', '2027-01-03T04:52:00.000Z')],
    });
    const statuses = [{ at: '2027-01-03T04:52:00Z', image: 'base', version: '1.0.0/1', status: 'AVAILABLE' }];
    const kinds = buildTimeline(r, statuses, [], [], [], CHANNELS).map((e) => e.kind);
    expect(kinds).toEqual(['build-requested', 'build-finished', 'outcome']);
  });

  it('puts an approval answer between the request and the outcome of that channel', () => {
    const r = emptyReport({
      promotions: [promotion('prod', 'rejected', `${T}.000Z`)],
      notifications: [approvalRequested('prod', `${T}.000Z`)],
    });
    const answered = [{ at: `${T}.000Z`, status: 200, body: 'rejected', image: 'base', channel: 'prod' }];
    const kinds = buildTimeline(r, [], answered, [], [], CHANNELS).map((e) => e.kind);
    expect(kinds).toEqual(['approval-requested', 'approval-answered', 'outcome']);
  });

  it('orders channels dev, staging, prod when their outcomes share an instant', () => {
    const r = emptyReport({
      promotions: ['prod', 'dev', 'staging'].map((c) => promotion(c, 'promoted', `${T}.000Z`)),
    });
    expect(buildTimeline(r, [], [], [], [], CHANNELS).map((e) => e.channel)).toEqual(CHANNELS);
  });
});

describe('shortenArns', () => {
  it('turns an Image Builder image ARN into its version and other ARNs into their resource name', () => {
    const text = shortenArns(
      'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-web-runtime-229e0ad4/1.0.0/2 is stuck; see arn:aws:states:us-east-1:123456789012:execution:goldsmith-promotion:base-1-0-0-2',
    );
    expect(text).toBe('1.0.0/2 is stuck; see execution base-1-0-0-2');
  });

  it('keeps the role of a role session, so a refusal says whom it refused', () => {
    const text = shortenArns('arn:aws:sts::210987654321:assumed-role/intruder/goldsmith-cli may not invoke');
    expect(text).toBe('assumed-role intruder/goldsmith-cli may not invoke');
  });
});

describe('foldRepeats', () => {
  it('prints a repeated failure once, saying for which later versions it happened again', () => {
    const promotions = [1, 2, 3, 4].map((n) => ({
      ...promotion('dev', 'aborted', `2027-01-0${n}T00:00:00.000Z`, `1.0.0/${n}`),
      reason: `arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base-1/1.0.0/${n} cannot be shared`,
    }));
    const lines = foldRepeats(buildTimeline(emptyReport({ promotions }), [], [], [], [], CHANNELS));
    expect(lines).toHaveLength(1);
    expect(lines[0]?.text).toBe(
      '1.0.0/1 aborted for dev: 1.0.0/1 cannot be shared — and 3 more times (1.0.0/2, 1.0.0/3, 1.0.0/4; last 2027-01-04)',
    );
  });

  it('keeps promotions and different reasons as lines of their own', () => {
    const promotions = [
      promotion('dev', 'promoted', '2027-01-01T00:00:00.000Z', '1.0.0/1'),
      promotion('dev', 'promoted', '2027-01-02T00:00:00.000Z', '1.0.0/2'),
      { ...promotion('dev', 'rejected', '2027-01-03T00:00:00.000Z', '1.0.0/3'), reason: 'critical findings' },
      { ...promotion('dev', 'rejected', '2027-01-04T00:00:00.000Z', '1.0.0/4'), reason: 'tests failed' },
    ];
    expect(foldRepeats(buildTimeline(emptyReport({ promotions }), [], [], [], [], CHANNELS))).toHaveLength(4);
  });
});

describe('RepeatFolder', () => {
  it('answers each line once as it streams and keeps the versions a failure repeated for', () => {
    const promotions = [
      promotion('dev', 'promoted', '2027-01-01T00:00:00.000Z', '1.0.0/1'),
      { ...promotion('dev', 'rejected', '2027-01-02T00:00:00.000Z', '1.0.0/2'), reason: 'critical findings' },
      { ...promotion('dev', 'rejected', '2027-01-03T00:00:00.000Z', '1.0.0/3'), reason: 'critical findings' },
      { ...promotion('dev', 'rejected', '2027-01-04T00:00:00.000Z', '1.0.0/4'), reason: 'critical findings' },
    ];
    const folder = new RepeatFolder();
    const printed = buildTimeline(emptyReport({ promotions }), [], [], [], [], CHANNELS).map(
      (e) => folder.push(e)?.text,
    );
    expect(printed).toEqual([
      '1.0.0/1 promoted to dev',
      '1.0.0/2 rejected for dev: critical findings',
      undefined,
      undefined,
    ]);
    expect(folder.repeats().map((r) => [r.base, r.versions, r.last.slice(0, 10)])).toEqual([
      ['1.0.0/2 rejected for dev: critical findings', ['1.0.0/3', '1.0.0/4'], '2027-01-04'],
    ]);
  });
});

describe('buildTimeline: what undoes, holds or recovers work', () => {
  const announced = (event: string, subject: string, at: string, channel: string | null = null) => ({
    event,
    image: 'base',
    channel,
    at,
    subject,
  });

  it('lists revocations, rollbacks, pauses and resumes beside the promotions they change', () => {
    const r = emptyReport({
      promotions: [promotion('prod', 'promoted', '2027-01-05T00:00:00.000Z', '1.0.0/2')],
      notifications: [
        announced('revoked', 'base 1.0.0/2: revoked', '2027-01-06T12:00:00.000Z'),
        announced('rolled-back', 'base/prod: rolled back to 1.0.0/1', '2027-01-06T12:00:00.000Z', 'prod'),
        announced('paused', 'base 1.0.0/3: prod promotion paused', '2027-01-08T00:00:00.000Z', 'prod'),
        announced('resumed', 'base 1.0.0/3: prod promotion resumed', '2027-01-09T00:00:00.000Z', 'prod'),
      ],
    });
    const lines = buildTimeline(r, [], [], [], [], CHANNELS).map((e) => [e.kind, e.image, e.text, e.outcome]);
    expect(lines).toEqual([
      ['outcome', 'base', '1.0.0/2 promoted to prod', 'promoted'],
      ['lifecycle', 'base', '1.0.0/2: revoked', 'revoked'],
      ['lifecycle', 'base', 'prod: rolled back to 1.0.0/1', 'rolled-back'],
      ['lifecycle', 'base', '1.0.0/3: prod promotion paused', 'paused'],
      ['lifecycle', 'base', '1.0.0/3: prod promotion resumed', 'resumed'],
    ]);
  });

  it('says what refused a link click and why, beside a scripted tampering', () => {
    const at = '2027-02-20T10:00:00.000Z';
    const why =
      "refused by the approval callback: no link reached bob, so the scenario used alice's with bob's name put in, and each link's signature covers its own approver";
    const callbacks = [
      { at, status: 403, body: 'Refused: bad signature.', image: 'base', channel: 'prod', why },
      {
        at,
        status: 403,
        body: 'Refused: bad signature.',
        image: 'base',
        channel: 'prod',
        scripted: 'the scenario tampers with this link',
      },
    ];
    const lines = buildTimeline(emptyReport({}), [], callbacks, [], [], CHANNELS).map((e) => e.text);
    expect(lines).toEqual([
      `approval link answered 403: Refused: bad signature. [${why}]`,
      'approval link answered 403: Refused: bad signature. [scripted: the scenario tampers with this link]',
    ]);
  });

  it('shows the findings reported, then the revocation, then the pointer it withdrew, as history tells them', () => {
    const at = '2027-01-06T12:00:00.000Z';
    const reason = "revoked (1 new critical finding; prod's revokeOn names critical)";
    const r = {
      ...emptyReport({ notifications: [announced('revoked', 'base 1.0.0/1: revoked', at)] }),
      ledger: [
        {
          sk: 'ROLLBACK#prod#1.0.0/1',
          image: 'base',
          channel: 'prod',
          from: '1.0.0/1',
          to: null,
          by: 'goldsmith',
          reason,
          at,
        },
        {
          sk: 'ROLLBACK#dev#1.0.0/1',
          image: 'base',
          channel: 'dev',
          from: '1.0.0/1',
          to: '1.0.0/0',
          by: 'goldsmith',
          reason,
          at,
        },
        {
          sk: 'FOUND#1.0.0/1#ab12',
          image: 'base',
          version: '1.0.0/1',
          at,
          counts: { critical: 1, high: 0, medium: 2, low: 0, other: 0 },
          done: 'revoked (prod: revokeOn), rebuild asked',
        },
      ],
    };
    const lines = buildTimeline(r, [], [], [], [], CHANNELS).map((e) => [e.kind, e.text, e.outcome]);
    expect(lines).toEqual([
      [
        'lifecycle',
        '1.0.0/1 findings reported: 1 critical, 2 medium — revoked (prod: revokeOn), rebuild asked',
        'findings-reported',
      ],
      ['lifecycle', '1.0.0/1: revoked', 'revoked'],
      ['lifecycle', `prod: pointer withdrawn from 1.0.0/1 by goldsmith: ${reason}`, 'pointer-withdrawn'],
    ]);
  });

  it("prints a parent's revocation before the child's abort and the rebuild it caused in the same instant", () => {
    const at = '2027-01-04T20:00:00.000Z';
    const r = emptyReport({
      builds: [
        {
          image: 'hardened',
          version: '1.0.0/3',
          trigger: 'revocation',
          requestedAt: at,
          status: 'BUILDING',
          finishedAt: null,
        },
      ],
      promotions: [{ ...promotion('staging', 'aborted', at, '1.0.0/2'), image: 'hardened' }],
      notifications: [announced('revoked', 'base 1.0.0/2: revoked', at)],
    });
    const lines = buildTimeline(r, [], [], [], [], CHANNELS).map((e) => `${e.image} ${e.text}`);
    expect(lines).toEqual([
      'base 1.0.0/2: revoked',
      'hardened build 1.0.0/3 requested (revocation)',
      'hardened 1.0.0/2 aborted for staging: aborted by someone',
    ]);
  });

  it('names the function, the event and its fate on a dead-letter line, and says when the re-drive recovered it', () => {
    const letter = {
      at: '2027-01-10T00:00:00.000Z',
      target: 'arn:aws:lambda:us-east-1:111111111111:function:start-builds',
      reason: 'ServiceUnavailable: DynamoDB is down',
      errorType: 'ServiceUnavailable',
      errorMessage: 'DynamoDB is down',
      event: {
        source: 'goldsmith.builds',
        'detail-type': 'Build Succeeded',
        detail: { image: 'base', version: '1.0.0/2' },
      },
      requestId: 'r-1',
      recovered: { at: '2027-01-10T01:00:00.000Z', by: 're-driven start-builds' },
    };
    const permanent = {
      ...letter,
      at: '2027-01-11T00:00:00.000Z',
      target: 'arn:aws:lambda:us-east-1:111111111111:function:StartBuilds663C8AF0',
      reason: 'ValidationError: image "gone" is not in the catalog',
      errorType: 'ValidationError',
      errorMessage: 'image "gone" is not in the catalog',
      event: { image: 'gone', window: '2027-01-11T00:00:00Z' },
      recovered: undefined,
    };
    const lines = buildTimeline(emptyReport({}), [], [], [letter, permanent], [], CHANNELS).map((e) => [
      e.kind,
      e.text,
    ]);
    expect(lines).toEqual([
      [
        'rejected-event',
        "dead-lettered: start-builds failed on goldsmith.builds / Build Succeeded (base 1.0.0/2) after Lambda's retries (ServiceUnavailable: DynamoDB is down); the re-drive will retry it (a transient failure)",
      ],
      [
        'recovered',
        're-driven and recovered: start-builds handled goldsmith.builds / Build Succeeded (base 1.0.0/2), dead-lettered at 2027-01-10 00:00',
      ],
      [
        'rejected-event',
        'dead-lettered: StartBuilds failed on the schedule of gone for 2027-01-11T00:00:00Z after Lambda\'s retries (ValidationError: image "gone" is not in the catalog); kept in the queue for a person (not a transient failure)',
      ],
    ]);
  });
});
