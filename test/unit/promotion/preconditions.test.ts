import { describe, expect, it } from 'vitest';
import {
  type ChannelFacts,
  SOAK_END_TOLERANCE_MS,
  soakAlreadyEnded,
  unmetBuild,
  unmetSoakEnded,
  unmetToPromote,
} from '../../../core/promotion/preconditions.js';

const ARN = 'arn:aws:imagebuilder:us-east-1:111122223333:image/goldsmith-base/1.0.0/3';
const loaded = {
  buildVersionArn: ARN,
  status: 'AVAILABLE',
  testsEnabled: true,
  amis: [{ region: 'us-east-1', imageId: 'ami-0aaa1111bbbb2222c' }],
  containers: [],
  loadedAt: '2027-02-01T00:00:00Z',
};
/** Everything a promotion into prod records before Share and Publish. */
const passed: ChannelFacts = {
  loaded,
  previous: { outcome: 'promoted' },
  gate: { passedAt: '2027-02-01T01:00:00Z', findings: { critical: 0, high: 0, medium: 0, low: 0, other: 0 } },
  approval: { decision: 'approve', by: 'ops-lead', decidedAt: '2027-02-01T02:00:00Z' },
  soak: {
    until: '2027-02-01T03:00:00Z',
    state: 'soaking',
    startedAt: '2027-02-01T02:00:01Z',
    passedAt: '2027-02-01T03:00:05Z',
  },
};
const prod = {
  name: 'prod',
  after: 'staging',
  approval: { approvers: ['ops-lead'], timeoutSeconds: 60 },
  soakSeconds: 60,
};
const target = { buildVersionArn: ARN, version: '1.0.0/3', channel: prod };

describe('unmetToPromote (Share and Publish)', () => {
  it('refuses a soak that began before the approval, even one that ended and was checked', () => {
    const early = { ...passed, soak: { ...passed.soak!, startedAt: '2027-02-01T01:30:00Z' } };
    expect(unmetToPromote(early, target)).toEqual(['the prod soak began before 1.0.0/3 was approved']);
    const unknownStart = { ...passed, soak: { until: '2027-02-01T03:00:00Z', state: 'soaking', passedAt: 'x' } };
    expect(unmetToPromote(unknownStart, target)).toEqual(['the prod soak began before 1.0.0/3 was approved']);
    // A channel without an approval soaks right after Gate.
    const noApproval = { ...target, channel: { ...prod, approval: undefined } };
    expect(unmetToPromote({ ...early, approval: undefined }, noApproval)).toEqual([]);
  });

  it('holds when every step before is recorded, and on a retry after the channel was promoted', () => {
    expect(unmetToPromote(passed, target)).toEqual([]);
    expect(unmetToPromote({ ...passed, outcome: { outcome: 'promoted' } }, target)).toEqual([]);
  });

  it('names each missing step', () => {
    expect(unmetToPromote({ loaded }, target)).toEqual([
      'staging was not promoted',
      'Gate has not passed 1.0.0/3 into prod',
      'no approver has approved 1.0.0/3 for prod',
      'the prod soak has not ended and been checked',
    ]);
  });

  it('refuses a rejection as an approval, a decided channel, and a soak started but not checked', () => {
    expect(
      unmetToPromote(
        { ...passed, approval: { decision: 'reject', by: 'ops-lead', decidedAt: '2027-02-01T02:00:00Z' } },
        target,
      ),
    ).toEqual(['no approver has approved 1.0.0/3 for prod']);
    expect(unmetToPromote({ ...passed, outcome: { outcome: 'expired' } }, target)).toEqual([
      'prod was already expired',
    ]);
    expect(unmetToPromote({ ...passed, soak: { until: '2027-02-01T03:00:00Z', state: 'soaking' } }, target)).toEqual([
      'the prod soak has not ended and been checked',
    ]);
  });

  it('asks no approval or soak of a channel the catalog asks none of', () => {
    const dev = { name: 'dev' };
    expect(unmetToPromote({ loaded, gate: passed.gate }, { ...target, channel: dev })).toEqual([]);
  });
});

describe('unmetBuild', () => {
  it('refuses a build never loaded, loaded under another ARN, or not available', () => {
    expect(unmetBuild({}, ARN, '1.0.0/3')).toEqual(['the ledger records no build 1.0.0/3 loaded from Image Builder']);
    expect(unmetBuild({ loaded }, `${ARN}0`, '1.0.0/3')).toEqual([`the ledger records ${ARN} as 1.0.0/3, not ${ARN}0`]);
    expect(unmetBuild({ loaded: { ...loaded, status: 'FAILED' } }, ARN, '1.0.0/3')).toEqual([
      '1.0.0/3 is FAILED, not AVAILABLE',
    ]);
  });
});

describe('unmetSoakEnded (SoakCheck)', () => {
  const until = Date.parse('2027-02-01T03:00:00Z');

  it('checks a soak whose time is up (within the tolerance of its own timeout), or that an operator ended', () => {
    expect(unmetSoakEnded(passed, 'prod', new Date(until - SOAK_END_TOLERANCE_MS))).toEqual([]);
    const early = { ...passed, soak: { until: '2027-02-01T03:00:00Z', state: 'ended-early' } };
    expect(unmetSoakEnded(early, 'prod', new Date(until - 3_600_000))).toEqual([]);
  });

  it('refuses a soak still running, one never started, or one Gate never passed', () => {
    expect(unmetSoakEnded(passed, 'prod', new Date(until - SOAK_END_TOLERANCE_MS - 1))).toEqual([
      'the prod soak lasts until 2027-02-01T03:00:00Z',
    ]);
    expect(unmetSoakEnded({ gate: passed.gate }, 'prod', new Date(until))).toEqual(['no prod soak was started']);
    expect(unmetSoakEnded({ soak: passed.soak }, 'prod', new Date(until))).toEqual(['Gate has not passed prod']);
  });
});

describe('soakAlreadyEnded (what a resumed promotion carries over instead of soaking again)', () => {
  const now = new Date('2027-01-20T00:00:00.000Z');
  const approval = { decision: 'approve', by: 'ops-lead', decidedAt: '2027-01-15T00:00:00.000Z' };
  const soak = (until: string, state = 'soaking') => ({ startedAt: '2027-01-16T00:00:00.000Z', until, state });
  const soaking = { soakSeconds: 3 * 86_400 };

  it('carries a soak whose time elapsed, or that an operator ended early', () => {
    const ended = { startedAt: '2027-01-16T00:00:00.000Z', until: '2027-01-19T00:00:00.000Z' };
    expect(soakAlreadyEnded({ soak: soak('2027-01-19T00:00:00.000Z') }, soaking, now)).toEqual(ended);
    expect(soakAlreadyEnded({ soak: soak('2027-01-25T00:00:00.000Z', 'ended-early') }, soaking, now)).toMatchObject({
      until: '2027-01-25T00:00:00.000Z',
    });
  });

  it('carries nothing for a soak still running, none started, a channel without soak, or a soak before the approval', () => {
    expect(soakAlreadyEnded({ soak: soak('2027-01-21T00:00:00.000Z') }, soaking, now)).toBeUndefined();
    expect(soakAlreadyEnded({}, soaking, now)).toBeUndefined();
    expect(soakAlreadyEnded({ soak: soak('2027-01-19T00:00:00.000Z') }, {}, now)).toBeUndefined();
    const late = { ...approval, decidedAt: '2027-01-17T00:00:00.000Z' };
    const approved = { ...soaking, approval: { approvers: ['ops-lead'], timeoutSeconds: 86_400 } };
    expect(soakAlreadyEnded({ soak: soak('2027-01-19T00:00:00.000Z'), approval: late }, approved, now)).toBeUndefined();
    expect(soakAlreadyEnded({ soak: soak('2027-01-19T00:00:00.000Z'), approval }, approved, now)).toBeDefined();
  });
});
