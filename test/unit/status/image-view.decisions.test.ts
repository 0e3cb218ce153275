import { describe, expect, it } from 'vitest';
import { compareBuildVersions, fieldText, imageView, type LedgerItem } from '../../../core/status/image-view.js';

const NOW = new Date('2027-02-10T12:00:00Z');
const CHANNELS = ['dev', 'staging', 'prod'];

const build = (version: string, status: string, requestedAt: string, extra: LedgerItem = {}): LedgerItem => ({
  sk: `BUILD#${version}`,
  buildVersion: version,
  status,
  requestedAt,
  ...extra,
});
const outcome = (version: string, channel: string, result: string, at: string, reason = ''): LedgerItem => ({
  sk: `PROMOTION#${version}#${channel}`,
  version,
  channel,
  outcome: result,
  at,
  reason,
});
const pointer = (channel: string, version: string, at: string, extra: LedgerItem = {}): LedgerItem => ({
  sk: `CHANNEL#${channel}`,
  channel,
  version,
  at,
  ...extra,
});
const approval = (version: string, channel: string, extra: LedgerItem = {}): LedgerItem => ({
  sk: `APPROVAL#${version}#${channel}`,
  version,
  channel,
  approvers: ['ops-lead'],
  requestedAt: '2027-02-10T00:00:00Z',
  expiresAt: '2027-02-11T00:00:00Z',
  ...extra,
});
/** A revocation as markRevoked writes it: the channels it moved back. */
const revocation = (version: string, extra: LedgerItem = {}): LedgerItem => ({
  sk: `REVOCATION#${version}`,
  version,
  reason: 'CVE-2027-0001',
  channels: ['prod'],
  ...extra,
});
const rollback = (channel: string, from: string, at: string): LedgerItem => ({
  sk: `ROLLBACK#${channel}#${at}`,
  from,
  at,
});
/** 1.0.0/2 revoked again on 10 February for CVE-2027-0009, moving nothing; `first`, restored, in `earlier` (markRevoked). */
const revokedAgain = (first: LedgerItem): LedgerItem =>
  revocation('1.0.0/2', {
    reason: 'CVE-2027-0009',
    channels: [],
    state: 'revoked',
    revokedAt: '2027-02-10T00:00:00Z',
    earlier: [first],
  });
const view = (items: LedgerItem[], channels: string[] = CHANNELS) => imageView('base', channels, items, NOW);

describe('fieldText', () => {
  it('reads a string field, and nothing from a field that is absent or not a string', () => {
    expect(fieldText({ a: 'x' }, 'a')).toBe('x');
    expect(fieldText({ a: 3 }, 'a')).toBe('');
    expect(fieldText({}, 'a')).toBe('');
  });
});

describe('compareBuildVersions', () => {
  it('is zero for the same version, negative before and positive after', () => {
    expect(compareBuildVersions('1.0.0/3', '1.0.0/3')).toBe(0);
    expect(compareBuildVersions('1.0.0/3', '1.0.0/4')).toBe(-1);
    expect(compareBuildVersions('1.2.0/1', '1.0.0/9')).toBe(2);
  });

  it('reads a missing part as 0, on either side', () => {
    expect(compareBuildVersions('1.0.0', '1.0.0/0')).toBe(0);
    expect(compareBuildVersions('1.0.0', '1.0.0/2')).toBe(-2);
    expect(compareBuildVersions('1.0.0/2', '1.0.0')).toBe(2);
  });
});

describe('imageView: channel pointers', () => {
  it('keeps only the AMIs that name both a region and an image id, and none from a value that is not a list', () => {
    const v = view([
      pointer('dev', '1.0.0/1', '2027-02-01T00:00:00Z', {
        amis: [
          { region: 'us-east-1', imageId: 'ami-1' },
          { region: 'eu-west-1' },
          { imageId: 'ami-3' },
          { region: 7, imageId: 'ami-4' },
        ],
      }),
      pointer('staging', '1.0.0/1', '2027-02-01T00:00:00Z', { amis: 'ami-1' }),
    ]);

    expect(v.channels[0]?.pointer).toStrictEqual({
      version: '1.0.0/1',
      at: '2027-02-01T00:00:00Z',
      amis: { 'us-east-1': 'ami-1' },
    });
    expect(v.channels[1]?.pointer?.amis).toStrictEqual({});
  });

  it("gives a container pointer each region's digest from the pointer move it came from", () => {
    const v = view([
      pointer('dev', '1.0.0/1', '2027-02-01T00:00:00Z', { versionKey: 'k1' }),
      {
        sk: 'POINTER#dev#k1',
        regions: [
          { region: 'us-east-1', value: '111.dkr.ecr.us-east-1.amazonaws.com/base@sha256:abc' },
          { region: 'eu-west-1', value: 'base:latest' },
          { region: 'eu-central-1' },
          { value: 'base@sha256:def' },
        ],
      },
      { sk: 'POINTER#staging#k1', regions: [{ region: 'us-east-1', value: 'base@sha256:other' }] },
    ]);

    expect(v.channels[0]?.pointer?.digests).toStrictEqual({ 'us-east-1': 'sha256:abc' });
  });

  it('gives no digests when the pointer move names none, or is missing, or holds no list', () => {
    const v = view([
      pointer('dev', '1.0.0/1', '2027-02-01T00:00:00Z', { versionKey: 'k1' }),
      { sk: 'POINTER#dev#k1', regions: [{ region: 'us-east-1', value: 'base:latest' }] },
      pointer('staging', '1.0.0/1', '2027-02-01T00:00:00Z', { versionKey: 'k2' }),
      pointer('prod', '1.0.0/1', '2027-02-01T00:00:00Z', { versionKey: 'k3' }),
      { sk: 'POINTER#prod#k3', regions: 'base@sha256:abc' },
    ]);

    for (const c of v.channels) {
      expect(c.pointer).toBeDefined();
      expect(c.pointer).not.toHaveProperty('digests');
    }
  });

  it('takes a digest that starts the value as it is', () => {
    const v = view([
      pointer('dev', '1.0.0/1', '2027-02-01T00:00:00Z', { versionKey: 'k1' }),
      { sk: 'POINTER#dev#k1', regions: [{ region: 'us-east-1', value: '@sha256:abc' }] },
    ]);

    expect(v.channels[0]?.pointer?.digests).toStrictEqual({ 'us-east-1': 'sha256:abc' });
  });
});

describe('imageView: how far each channel lags', () => {
  it('counts AVAILABLE builds newer than the pointer, not the one it names nor older ones', () => {
    const v = view([
      build('1.0.0/1', 'AVAILABLE', '2027-01-01T00:00:00Z'),
      build('1.0.0/2', 'AVAILABLE', '2027-01-02T00:00:00Z'),
      build('1.0.0/3', 'AVAILABLE', '2027-01-03T00:00:00Z'),
      build('1.0.0/4', 'BUILDING', '2027-01-04T00:00:00Z'),
      pointer('dev', '1.0.0/2', '2027-01-05T00:00:00Z'),
    ]);

    expect(v.channels.map((c) => c.lagBuilds)).toEqual([1, 3, 3]);
  });

  it('reads AVAILABLE from the statuses a build went through when the item keeps them', () => {
    const v = view([
      build('1.0.0/1', 'DEPRECATED', '2027-01-01T00:00:00Z', { statusesSeen: new Set(['BUILDING', 'AVAILABLE']) }),
      build('1.0.0/2', 'AVAILABLE', '2027-01-01T00:00:00Z', { statusesSeen: new Set(['BUILDING']) }),
    ]);

    expect(v.channels[0]?.lagBuilds).toBe(1);
  });

  it('does not count a revoked build, but does count one whose revocation was cancelled', () => {
    const v = view([
      build('1.0.0/1', 'AVAILABLE', '2027-01-01T00:00:00Z'),
      build('1.0.0/2', 'AVAILABLE', '2027-01-02T00:00:00Z'),
      revocation('1.0.0/1'),
      revocation('1.0.0/2', { state: 'cancelled' }),
    ]);

    expect(v.channels[0]?.lagBuilds).toBe(1);
    expect(v.inFlight.map((f) => f.version)).toEqual(['1.0.0/2']);
  });

  it('leaves out a build refused at this channel or one before it, or promoted here already', () => {
    const v = view([
      build('1.0.0/1', 'AVAILABLE', '2027-01-01T00:00:00Z'),
      outcome('1.0.0/1', 'dev', 'promoted', '2027-01-02T00:00:00Z'),
      outcome('1.0.0/1', 'staging', 'rejected', '2027-01-03T00:00:00Z'),
    ]);

    expect(v.channels.map((c) => c.lagBuilds)).toEqual([0, 0, 0]);
  });

  it('counts a build still on its way to the channel (soaking before it), not one stopped on the way', () => {
    const v = view([
      build('1.0.0/1', 'AVAILABLE', '2027-01-01T00:00:00Z'),
      outcome('1.0.0/1', 'dev', 'promoted', '2027-01-02T00:00:00Z'),
      outcome('1.0.0/1', 'staging', 'promoted', '2027-01-03T00:00:00Z'),
      pointer('staging', '1.0.0/1', '2027-01-03T00:00:00Z'),
      build('1.0.0/2', 'AVAILABLE', '2027-01-05T00:00:00Z'),
      outcome('1.0.0/2', 'dev', 'promoted', '2027-01-06T00:00:00Z'),
      pointer('dev', '1.0.0/2', '2027-01-06T00:00:00Z'),
      outcome('1.0.0/2', 'staging', 'expired', '2027-01-08T00:00:00Z'),
    ]);

    // prod: 1.0.0/1 soaks in staging and may yet arrive; 1.0.0/2 expired at staging, it never will.
    expect(v.channels.map((c) => c.lagBuilds)).toEqual([0, 0, 1]);
  });

  it('says prod is behind by nothing after a rollback when every newer build is rejected, flagged or building', () => {
    const promotedEverywhere = (version: string, day: string) =>
      CHANNELS.map((c) => outcome(version, c, 'promoted', `2027-01-${day}T00:00:00Z`));
    const v = view([
      build('1.0.0/3', 'AVAILABLE', '2027-01-01T00:00:00Z'),
      ...promotedEverywhere('1.0.0/3', '02'),
      build('1.0.0/4', 'AVAILABLE', '2027-01-03T00:00:00Z'),
      outcome('1.0.0/4', 'dev', 'rejected', '2027-01-04T00:00:00Z', 'gate: 1 critical finding'),
      // In prod before its parent was revoked, then flagged; the operator rolled prod back from it.
      build('1.0.0/5', 'AVAILABLE', '2027-01-05T00:00:00Z', {
        flaggedAt: '2027-01-09T00:00:00Z',
        flaggedReason: 'built on revoked base 1.0.0/5',
      }),
      ...promotedEverywhere('1.0.0/5', '06'),
      pointer('dev', '1.0.0/5', '2027-01-06T00:00:00Z'),
      pointer('staging', '1.0.0/5', '2027-01-06T00:00:00Z'),
      pointer('prod', '1.0.0/3', '2027-01-10T00:00:00Z'),
      rollback('prod', '1.0.0/5', '2027-01-10T00:00:00Z'),
      build('1.0.0/6', 'BUILDING', '2027-01-10T00:00:00Z'),
    ]);

    expect(v.channels.map((c) => c.lagBuilds)).toEqual([0, 0, 0]);
  });

  it('does not count a flagged build (held out of every further channel), not even where it never went', () => {
    const v = view([
      build('1.0.0/1', 'AVAILABLE', '2027-01-01T00:00:00Z', { flaggedAt: '2027-01-02T00:00:00Z' }),
      build('1.0.0/2', 'AVAILABLE', '2027-01-03T00:00:00Z'),
    ]);

    expect(v.channels.map((c) => c.lagBuilds)).toEqual([1, 1, 1]);
  });

  it('leaves out a version promoted here already that the pointer was rolled back from', () => {
    const v = view([
      build('1.0.0/1', 'AVAILABLE', '2027-01-01T00:00:00Z'),
      build('1.0.0/2', 'AVAILABLE', '2027-01-02T00:00:00Z'),
      ...['1.0.0/1', '1.0.0/2'].map((version) => outcome(version, 'dev', 'promoted', '2027-01-03T00:00:00Z')),
      pointer('dev', '1.0.0/1', '2027-01-04T00:00:00Z'),
      rollback('dev', '1.0.0/2', '2027-01-04T00:00:00Z'),
    ]);

    expect(v.channels.map((c) => c.lagBuilds)).toEqual([0, 2, 2]);
  });
});

describe('imageView: how old each channel is', () => {
  it('counts from the first build requested when the channel never moved, and not at all without either', () => {
    const v = view([
      build('1.0.0/2', 'AVAILABLE', '2027-02-05T12:00:00Z'),
      build('1.0.0/1', 'AVAILABLE', '2027-02-01T12:00:00Z'),
      build('1.0.0/3', 'AVAILABLE', '2027-02-08T12:00:00Z'),
    ]);

    expect(v.channels[0]?.ageDays).toBe(9);
    expect(view([]).channels[0]).not.toHaveProperty('ageDays');
    expect(view([]).channels[0]).toStrictEqual({ channel: 'dev', lagBuilds: 0 });
  });

  it('is never negative, for a pointer moved after now', () => {
    const v = view([pointer('dev', '1.0.0/1', '2027-02-11T12:00:00Z')]);

    expect(v.channels[0]?.ageDays).toBe(0);
  });

  it('counts from when the pointer last moved', () => {
    const v = view([
      build('1.0.0/1', 'AVAILABLE', '2027-01-01T12:00:00Z'),
      pointer('dev', '1.0.0/1', '2027-02-09T00:00:00Z'),
    ]);

    expect(v.channels[0]?.ageDays).toBe(1.5);
  });
});

describe('imageView: open approvals', () => {
  it('is open until its expiry, not at it', () => {
    const open = view([approval('1.0.0/1', 'prod', { expiresAt: '2027-02-10T12:00:01Z' })]);
    const expired = view([approval('1.0.0/1', 'prod', { expiresAt: '2027-02-10T12:00:00Z' })]);

    expect(open.channels[2]?.waiting?.version).toBe('1.0.0/1');
    expect(expired.channels[2]).not.toHaveProperty('waiting');
  });

  it('is not open once decided, once an outcome is recorded on its channel, or when its build was revoked', () => {
    const decided = view([approval('1.0.0/1', 'prod', { decision: 'approved' })]);
    const settled = view([approval('1.0.0/1', 'prod'), outcome('1.0.0/1', 'prod', 'promoted', '2027-02-10T01:00:00Z')]);
    const revoked = view([approval('1.0.0/1', 'prod'), revocation('1.0.0/1')]);
    const elsewhere = view([
      approval('1.0.0/1', 'prod'),
      outcome('1.0.0/1', 'staging', 'promoted', '2027-02-10T01:00:00Z'),
      outcome('1.0.0/2', 'prod', 'promoted', '2027-02-10T01:00:00Z'),
    ]);

    expect(decided.channels[2]).not.toHaveProperty('waiting');
    expect(settled.channels[2]).not.toHaveProperty('waiting');
    expect(revoked.channels[2]).not.toHaveProperty('waiting');
    expect(elsewhere.channels[2]?.waiting?.version).toBe('1.0.0/1');
  });

  it('reads only approval items', () => {
    const v = view([{ ...approval('1.0.0/1', 'prod'), sk: 'SOAK#1.0.0/1#prod' }]);

    expect(v.channels[2]).not.toHaveProperty('waiting');
  });

  it('shows only on its own channel', () => {
    const v = view([approval('1.0.0/1', 'staging')]);

    expect(v.channels.map((c) => c.waiting?.version)).toEqual([undefined, '1.0.0/1', undefined]);
  });

  it('says since when, until when, whom it waits on and how much of its timeout passed', () => {
    const v = view([approval('1.0.0/1', 'prod', { approvers: ['ops-lead', 7] })]);

    expect(v.channels[2]?.waiting).toStrictEqual({
      version: '1.0.0/1',
      since: '2027-02-10T00:00:00Z',
      approvers: ['ops-lead', '7'],
      expiresAt: '2027-02-11T00:00:00Z',
      fractionOfTimeout: 0.5,
    });
  });

  it('names no approvers from a value that is not a list, and counts a timeout without length as all gone', () => {
    const v = view([
      approval('1.0.0/1', 'prod', {
        approvers: 'ops-lead',
        requestedAt: '2027-02-11T00:00:00Z',
        expiresAt: '2027-02-11T00:00:00Z',
      }),
    ]);

    expect(v.channels[2]?.waiting).toMatchObject({ approvers: [], fractionOfTimeout: 1 });
  });
});

describe('imageView: withdrawn pointers', () => {
  it('says which revoked version the channel was moved back from, the latest move, and why', () => {
    const v = view([
      revocation('1.0.0/2', { reason: 'critical finding' }),
      revocation('1.0.0/3', { reason: 'bad' }),
      rollback('prod', '1.0.0/3', '2027-02-09T00:00:00Z'),
      rollback('prod', '1.0.0/2', '2027-02-08T00:00:00Z'),
      rollback('prod', '1.0.0/1', '2027-02-09T06:00:00Z'),
      pointer('prod', '1.0.0/1', '2027-02-09T00:00:00Z'),
    ]);

    expect(v.channels[2]?.revoked).toStrictEqual({ version: '1.0.0/3', at: '2027-02-09T00:00:00Z', reason: 'bad' });
    expect(v.channels[0]).not.toHaveProperty('revoked');
  });

  it('orders the moves by time, not by the order the ledger returns them', () => {
    const v = view([
      revocation('1.0.0/2'),
      revocation('1.0.0/3'),
      rollback('prod', '1.0.0/2', '2027-02-09T00:00:00Z'),
      rollback('prod', '1.0.0/3', '2027-02-08T00:00:00Z'),
    ]);

    expect(v.channels[2]?.revoked?.version).toBe('1.0.0/2');
  });

  it('is shown without a pointer, and not when the pointer names that version again', () => {
    const withdrawn = view([revocation('1.0.0/2'), rollback('prod', '1.0.0/2', '2027-02-09T00:00:00Z')]);
    const back = view([
      revocation('1.0.0/2'),
      rollback('prod', '1.0.0/2', '2027-02-09T00:00:00Z'),
      pointer('prod', '1.0.0/2', '2027-02-10T00:00:00Z'),
    ]);

    expect(withdrawn.channels[2]?.revoked).toStrictEqual({
      version: '1.0.0/2',
      at: '2027-02-09T00:00:00Z',
      reason: 'CVE-2027-0001',
    });
    expect(back.channels[2]).not.toHaveProperty('revoked');
  });

  it.each([
    ['at its instant', '2027-02-08T00:00:00Z'],
    ["at a retry's, five minutes later, by the channels it recorded moving", '2027-02-08T00:05:00Z'],
  ])('tells a move back an earlier revocation made %s with its time and reason, and the revocation since', (_, at) => {
    const v = view([
      revokedAgain({
        revokedAt: '2027-02-08T00:00:00Z',
        by: 'ops',
        reason: 'CVE-2027-0001',
        channels: ['prod'],
        restoredAt: '2027-02-09T00:00:00Z',
        restoredBy: 'security',
        restoreReason: 'the CVE does not apply',
      }),
      { ...rollback('prod', '1.0.0/2', at), to: '1.0.0/1', reason: 'revoked: CVE-2027-0001' },
      pointer('prod', '1.0.0/1', at),
    ]);

    // The first revocation's move, then the second: not "restored: launchable again" (the version is revoked again),
    // nor an operator's rollback.
    expect(v.channels[2]?.revoked).toStrictEqual({
      version: '1.0.0/2',
      at: '2027-02-08T00:00:00Z',
      reason: 'CVE-2027-0001',
      revokedAgain: { at: '2027-02-10T00:00:00Z', reason: 'CVE-2027-0009' },
    });
    expect(v.channels[2]).not.toHaveProperty('rolledBack');
  });

  it("leaves an operator's rollback the operator's when the version's revocation is only requested: a request moves nothing", () => {
    const v = view([
      revocation('1.0.0/2', { state: 'requested', reason: '1 new critical finding', at: '2027-02-08T00:00:00Z' }),
      { ...rollback('prod', '1.0.0/2', '2027-02-09T00:00:00Z'), to: '1.0.0/1', by: 'ops', reason: 'CHG-1' },
      pointer('prod', '1.0.0/1', '2027-02-09T00:00:00Z'),
    ]);

    expect(v.channels[2]).not.toHaveProperty('revoked');
    expect(v.channels[2]?.rolledBack).toMatchObject({ from: '1.0.0/2', to: '1.0.0/1', by: 'ops', reason: 'CHG-1' });
  });

  it("keeps an operator's rollback the operator's after a restore, though an earlier revocation moved that channel", () => {
    const operatorMove = (from: string, to: string, at: string, extra: LedgerItem = {}) => ({
      sk: `ROLLBACK#prod#${from}#${at}`,
      from,
      to,
      at,
      by: 'ops',
      ...extra,
    });
    const v = view([
      revocation('1.0.0/2', {
        reason: 'R',
        channels: [],
        state: 'revoked',
        revokedAt: '2027-02-05T00:00:00Z',
        earlier: [
          { revokedAt: '2027-02-01T00:00:00Z', reason: 'A', channels: ['prod'], restoredAt: '2027-02-02T00:00:00Z' },
        ],
      }),
      { ...rollback('prod', '1.0.0/2', '2027-02-01T00:00:00Z'), to: '1.0.0/1' },
      operatorMove('1.0.0/1', '1.0.0/2', '2027-02-03T00:00:00Z', { direction: 'forward', reason: 'CHG-8' }),
      operatorMove('1.0.0/2', '1.0.0/1', '2027-02-04T00:00:00Z', { reason: 'CHG-9' }),
      pointer('prod', '1.0.0/1', '2027-02-04T00:00:00Z'),
    ]);

    expect(v.channels[2]?.rolledBack).toMatchObject({ from: '1.0.0/2', to: '1.0.0/1', by: 'ops', reason: 'CHG-9' });
    expect(v.channels[2]?.revoked).toMatchObject({ at: '2027-02-01T00:00:00Z', reason: 'A' });
  });

  it("keeps an operator's move the operator's while a revocation that recorded moving that channel stood", () => {
    const v = view([
      revocation('1.0.0/2', { state: 'revoked', revokedAt: '2027-02-08T00:00:00Z', channels: ['prod'] }),
      {
        ...rollback('prod', '1.0.0/2', '2027-02-09T00:00:00Z'),
        sk: 'ROLLBACK#prod#1.0.0/2#2027-02-09T00:00:00Z',
        to: '1.0.0/1',
        by: 'ops',
        reason: 'CHG-7',
      },
      pointer('prod', '1.0.0/1', '2027-02-09T00:00:00Z'),
    ]);

    expect(v.channels[2]).not.toHaveProperty('revoked');
    expect(v.channels[2]?.rolledBack).toMatchObject({ by: 'ops', reason: 'CHG-7' });
  });

  it('ignores a move back from a version whose revocation was cancelled', () => {
    const v = view([
      revocation('1.0.0/2', { state: 'cancelled' }),
      rollback('prod', '1.0.0/2', '2027-02-09T00:00:00Z'),
    ]);

    expect(v.channels[2]).not.toHaveProperty('revoked');
  });
});

describe('imageView: in flight', () => {
  it('lists a build not yet in a final status as building, and no build in a final one', () => {
    const v = view([
      build('1.0.0/1', 'TESTING', '2027-02-10T00:00:00Z'),
      build('1.0.0/2', 'FAILED', '2027-02-10T00:00:00Z'),
      build('1.0.0/3', 'CANCELLED', '2027-02-10T00:00:00Z'),
      build('1.0.0/4', 'DEPRECATED', '2027-02-10T00:00:00Z'),
      build('1.0.0/5', 'DELETED', '2027-02-10T00:00:00Z'),
      build('1.0.0/6', 'BUILDING', '2027-02-10T00:00:00Z'),
      revocation('1.0.0/6'),
    ]);

    expect(v.inFlight).toStrictEqual([
      { version: '1.0.0/1', state: 'building', status: 'TESTING', since: '2027-02-10T00:00:00Z' },
    ]);
  });

  it('lists an AVAILABLE build as promoting until every channel decided, since its last update', () => {
    const v = view([
      build('1.0.0/1', 'AVAILABLE', '2027-02-01T00:00:00Z', { updatedAt: '2027-02-02T00:00:00Z' }),
      build('1.0.0/2', 'AVAILABLE', '2027-02-03T00:00:00Z'),
      outcome('1.0.0/1', 'dev', 'promoted', '2027-02-04T00:00:00Z'),
      build('1.0.0/3', 'AVAILABLE', '2027-02-01T00:00:00Z'),
      ...CHANNELS.map((c) => outcome('1.0.0/3', c, 'promoted', '2027-02-04T00:00:00Z')),
    ]);

    expect(v.inFlight).toStrictEqual([
      { version: '1.0.0/1', state: 'promoting', status: 'AVAILABLE', since: '2027-02-02T00:00:00Z' },
      { version: '1.0.0/2', state: 'promoting', status: 'AVAILABLE', since: '2027-02-03T00:00:00Z' },
    ]);
  });

  it('does not list a build whose promotion stopped at a channel', () => {
    const v = view([
      build('1.0.0/1', 'AVAILABLE', '2027-02-01T00:00:00Z'),
      outcome('1.0.0/1', 'dev', 'aborted', '2027-02-04T00:00:00Z'),
    ]);

    expect(v.inFlight).toStrictEqual([]);
  });
});

describe('imageView: the last failure', () => {
  it('is the latest failed or cancelled build or refused promotion, a promotion is no failure', () => {
    const v = view([
      build('1.0.0/1', 'CANCELLED', '2027-02-01T00:00:00Z', { updatedAt: '2027-02-05T00:00:00Z' }),
      build('1.0.0/2', 'FAILED', '2027-02-04T00:00:00Z', { statusReason: 'timeout' }),
      build('1.0.0/3', 'AVAILABLE', '2027-02-06T00:00:00Z', { updatedAt: '2027-02-09T00:00:00Z' }),
      outcome('1.0.0/0', 'dev', 'rejected', '2027-02-03T00:00:00Z', 'gate'),
      outcome('1.0.0/3', 'dev', 'promoted', '2027-02-09T00:00:00Z'),
    ]);

    expect(v.lastFailure).toStrictEqual({ version: '1.0.0/1', at: '2027-02-05T00:00:00Z', what: 'build CANCELLED' });
  });

  it('dates a failed build by its request when it holds no update, and a refusal by its own time', () => {
    const failed = view([
      build('1.0.0/2', 'FAILED', '2027-02-04T00:00:00Z', { statusReason: 'timeout' }),
      outcome('1.0.0/1', 'staging', 'expired', '2027-02-03T00:00:00Z', 'nobody answered'),
    ]);
    const refused = view([
      build('1.0.0/2', 'FAILED', '2027-02-04T00:00:00Z'),
      outcome('1.0.0/1', 'staging', 'expired', '2027-02-05T00:00:00Z', 'nobody answered'),
    ]);

    expect(failed.lastFailure).toStrictEqual({
      version: '1.0.0/2',
      at: '2027-02-04T00:00:00Z',
      what: 'build FAILED: timeout',
    });
    expect(refused.lastFailure).toStrictEqual({
      version: '1.0.0/1',
      at: '2027-02-05T00:00:00Z',
      what: 'expired for staging: nobody answered',
    });
  });

  it('is absent when nothing failed', () => {
    const v = view([build('1.0.0/1', 'AVAILABLE', '2027-02-01T00:00:00Z')]);

    expect(v).not.toHaveProperty('lastFailure');
    expect(v).not.toHaveProperty('held');
    expect(v.builds).toBe(1);
    expect(v.image).toBe('base');
  });
});

describe('imageView: versions held for their users', () => {
  it('lists each hold not yet deleted, with its counts, until when, and who released it', () => {
    const v = view([
      build('1.0.0/1', 'DELETED', '2027-01-01T00:00:00Z', { deletedAt: '2027-02-01T00:00:00Z' }),
      { sk: 'BUILD#1.0.0/2', status: 'DELETED', deletedAt: '2027-02-01T00:00:00Z' },
      build('1.0.0/3', 'DEPRECATED', '2027-01-01T00:00:00Z'),
      { sk: 'HOLD#1.0.0/1', version: '1.0.0/1', firstHeldAt: '2027-01-20T00:00:00Z' },
      { sk: 'HOLD#1.0.0/2', version: '1.0.0/2', firstHeldAt: '2027-01-20T00:00:00Z' },
      {
        sk: 'HOLD#1.0.0/3',
        version: '1.0.0/3',
        firstHeldAt: '2027-01-20T00:00:00Z',
        // The sweep holds the ids of the accounts it saw (aws/fleet/usage-ledger.ts): their count is shown.
        accounts: ['200000000001', '200000000002'],
        instances: 5,
        heldUntil: '2027-03-01T00:00:00Z',
        releasedAt: '2027-02-09T00:00:00Z',
        releasedBy: 'ops-lead',
      },
      { sk: 'HOLD#1.0.0/4', version: '1.0.0/4', firstHeldAt: '2027-01-21T00:00:00Z' },
    ]);

    expect(v.held).toStrictEqual([
      {
        version: '1.0.0/3',
        since: '2027-01-20T00:00:00Z',
        accounts: 2,
        instances: 5,
        until: '2027-03-01T00:00:00Z',
        released: { at: '2027-02-09T00:00:00Z', by: 'ops-lead' },
      },
      { version: '1.0.0/4', since: '2027-01-21T00:00:00Z', accounts: 0, instances: 0, until: '' },
    ]);
    expect(v.builds).toBe(3);
  });
});
