import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  atExpression,
  cancelledDueTimes,
  compareRepeat,
  howLongAgo,
  isCancelledFiring,
  isScheduleName,
  parseAtExpression,
  revocationScheduleName,
  revocationTiming,
  supersededBy,
} from '../../../core/lifecycle/scheduled-revocation.js';

const catalogName = fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/);
const version = fc
  .tuple(fc.nat(999), fc.nat(999), fc.nat(999), fc.nat(99_999))
  .map(([a, b, c, n]) => `${a}.${b}.${c}/${n}`);

describe('revocationScheduleName', () => {
  it('names a short pair readably', () => {
    expect(revocationScheduleName('web-runtime', '1.0.0/12')).toBe('web-runtime_1.0.0_12');
  });

  it('is always a name EventBridge Scheduler accepts (1 to 64 of [0-9a-zA-Z-_.])', () => {
    fc.assert(
      fc.property(catalogName, version, (image, v) => {
        expect(isScheduleName(revocationScheduleName(image, v))).toBe(true);
      }),
    );
  });

  it('gives two different (image, version) pairs two different names', () => {
    fc.assert(
      fc.property(catalogName, version, catalogName, version, (i1, v1, i2, v2) => {
        fc.pre(i1 !== i2 || v1 !== v2);
        expect(revocationScheduleName(i1, v1)).not.toBe(revocationScheduleName(i2, v2));
      }),
    );
  });

  it('keeps a 63-character image name within 64 characters, ending in a hash', () => {
    const name = revocationScheduleName(`a${'b'.repeat(62)}`, '1.0.0/1');
    expect(name).toHaveLength(64);
    expect(name).toMatch(/-[0-9a-f]{12}$/);
  });
});

describe('atExpression / parseAtExpression', () => {
  it('writes at(yyyy-mm-ddThh:mm:ss) in UTC, dropping milliseconds', () => {
    expect(atExpression(new Date('2027-01-05T09:00:00.750+02:00'))).toBe('at(2027-01-05T07:00:00)');
  });

  it('reads back every expression it writes, to the second', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }), (d) => {
        expect(parseAtExpression(atExpression(d))?.getTime()).toBe(Math.floor(d.getTime() / 1000) * 1000);
      }),
    );
  });

  it('refuses what is not an at() expression or names no real date', () => {
    expect(parseAtExpression('rate(1 day)')).toBeUndefined();
    expect(parseAtExpression('at(2027-02-30T09:00:00)')).toBeUndefined();
    expect(parseAtExpression('at(2027-01-05 09:00:00)')).toBeUndefined();
  });
});

describe('compareRepeat', () => {
  it('takes the same time to the second for the same request', () => {
    expect(compareRepeat('at(2027-01-05T09:00:00)', new Date('2027-01-05T09:00:00.400Z'))).toEqual({
      kind: 'same',
      due: '2027-01-05T09:00:00.000Z',
    });
  });

  it('names the existing time when the request asks for another', () => {
    expect(compareRepeat('at(2027-01-05T09:00:00)', new Date('2027-01-06T09:00:00Z'))).toEqual({
      kind: 'different',
      due: '2027-01-06T09:00:00.000Z',
      existing: '2027-01-05T09:00:00.000Z',
    });
  });
});

describe('a cancelled scheduled revocation', () => {
  const T1 = '2027-02-05T09:00:00.000Z';
  const T2 = '2027-02-07T09:00:00.000Z';
  const firingAt = (revokedAt: string) => ({
    id: `base_1.0.0_2@${revokedAt}`,
    image: 'base',
    version: '1.0.0/2',
    revokedAt,
  });

  it('stops its own firing only: not another time, not an immediate revocation of the same version', () => {
    const cancelled = cancelledDueTimes({ dueAt: T1, cancelledAt: '2027-02-03T09:00:00.000Z' });

    expect(isCancelledFiring(firingAt(T1), cancelled)).toBe(true);
    expect(isCancelledFiring(firingAt(T2), cancelled)).toBe(false);
    // `revoke` without --at puts an "Image Revoked" whose id is not a schedule's.
    expect(isCancelledFiring({ ...firingAt(T1), id: 'e3f1c2d4-revoked-now' }, cancelled)).toBe(false);
  });

  it('no longer stops a time scheduled anew, while an earlier cancelled time stays stopped', () => {
    const again = { dueAt: T1, cancelledBefore: [{ dueAt: T1 }, { dueAt: T2 }] };

    expect(cancelledDueTimes(again)).toEqual([T2]);
    expect(isCancelledFiring(firingAt(T1), cancelledDueTimes(again))).toBe(false);
    expect(isCancelledFiring(firingAt(T2), cancelledDueTimes(again))).toBe(true);
    expect(cancelledDueTimes(undefined)).toEqual([]);
  });
});

describe('supersededBy', () => {
  const due = '2027-02-05T09:00:00.000Z';
  const revoked = (at: string) => ({ state: 'revoked', at, revokedAt: at, by: 'alice' });

  it('is superseded when the version was revoked before the time asked, by whom and when', () => {
    expect(supersededBy({ dueAt: due }, revoked('2027-02-03T12:00:00.000Z'))).toEqual({
      at: '2027-02-03T12:00:00.000Z',
      by: 'alice',
    });
  });

  it('is not superseded by its own revocation at its time, nor when cancelled, requested only or not revoked', () => {
    expect(supersededBy({ dueAt: due }, revoked(due))).toBeUndefined();
    expect(
      supersededBy({ dueAt: due, cancelledAt: '2027-02-01T00:00:00Z' }, revoked('2027-02-03T12:00:00.000Z')),
    ).toBeUndefined();
    expect(supersededBy({ dueAt: due }, { state: 'requested', at: '2027-02-03T12:00:00.000Z' })).toBeUndefined();
    expect(supersededBy({ dueAt: due }, undefined)).toBeUndefined();
    expect(supersededBy(undefined, revoked('2027-02-03T12:00:00.000Z'))).toBeUndefined();
  });

  it('takes what the ledger recorded when the operator marked it', () => {
    const record = { dueAt: due, supersededAt: '2027-02-03T12:00:00.000Z', supersededBy: 'bob' };
    expect(supersededBy(record, undefined)).toEqual({ at: '2027-02-03T12:00:00.000Z', by: 'bob' });
  });
});

describe('revocationTiming', () => {
  const now = new Date('2027-02-05T12:00:00.000Z');

  it('is now without a time, at now, or within five minutes before it (two clocks)', () => {
    expect(revocationTiming(undefined, now)).toEqual({ kind: 'now' });
    expect(revocationTiming('2027-02-05T12:00:00.900Z', now)).toEqual({ kind: 'now' });
    expect(revocationTiming('2027-02-05T11:55:00Z', now)).toMatchObject({ kind: 'now' });
  });

  it('says an --at within the skew before now was taken as now, and how far back it was', () => {
    expect(revocationTiming('2027-02-05T11:57:00Z', now)).toEqual({
      kind: 'now',
      takenAsNow:
        '--at 2027-02-05T11:57:00Z is 3 minutes in the past, within the clock skew allowed (5 minutes): revoked now',
    });
  });

  it('is later, to the whole second, for a time after now', () => {
    expect(revocationTiming('2027-02-05T12:00:01.700Z', now)).toEqual({
      kind: 'later',
      due: new Date('2027-02-05T12:00:01.000Z'),
    });
  });

  it('is past, with how far, for a time more than five minutes before now', () => {
    expect(revocationTiming('2027-02-05T11:54:59Z', now)).toEqual({ kind: 'past', behindMs: 301_000 });
    expect(howLongAgo(3 * 86_400_000 + 5)).toBe('3 days');
    expect(howLongAgo(3_600_000)).toBe('1 hour');
    expect(howLongAgo(301_000)).toBe('5 minutes');
  });
});
