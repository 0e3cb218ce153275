import { describe, expect, it } from 'vitest';
import { countDue } from '../../../core/audit/key-grants.js';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/mrk-1';
const counted = { keyArn: KEY, total: 4_960, countedAt: '2027-03-01T06:00:00.000Z' };
const day = (n: number) => new Date(Date.parse(counted.countedAt) + n * 86_400_000);

describe('countDue: when a Region of the AMI key must be listed again', () => {
  it('lets a quiet count stand for six days and lists on the seventh', () => {
    expect(countDue(counted, KEY, undefined, day(6), 50_000)).toBeUndefined();
    expect(countDue(counted, KEY, undefined, day(7), 50_000)).toBe('7 days since the last count');
  });

  it('lists what it cannot vouch for: no count, another key, kept leftovers, an organization changed, half the quota', () => {
    expect(countDue(undefined, KEY, undefined, day(1), 50_000)).toBe('no count held yet');
    expect(countDue(counted, `${KEY}x`, undefined, day(1), 50_000)).toBe('the count held is of another key');
    expect(countDue({ ...counted, kept: 2 }, KEY, undefined, day(1), 50_000)).toBe(
      'the last count kept leftover grants awaiting AWS',
    );
    expect(countDue(counted, KEY, day(0.5).toISOString(), day(1), 50_000)).toBe(
      'the organization changed since the last count',
    );
    // A change the count already saw does not call for another.
    expect(countDue(counted, KEY, day(-1).toISOString(), day(1), 50_000)).toBeUndefined();
    expect(countDue(counted, KEY, undefined, day(1), 9_920)).toBe('the last count was past 50 % of the quota');
  });
});
