import { describe, expect, it } from 'vitest';
import { historyBehindIn, sweepPeriodDays } from '../../../core/audit/history-lag.js';

const now = new Date('2027-03-10T00:10:00Z');
const hoursBefore = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

describe("the event history's read, behind or not", () => {
  it('is behind in a Region never read, or last read more than two days ago; not after one missed run', () => {
    const ends = { 'us-east-1': hoursBefore(24), 'eu-west-1': hoursBefore(47), 'ap-south-1': hoursBefore(49) };
    expect(historyBehindIn(ends, ['us-east-1', 'eu-west-1', 'ap-south-1', 'sa-east-1'], now)).toEqual([
      'ap-south-1',
      'sa-east-1',
    ]);
    expect(historyBehindIn({ 'us-east-1': 'not a time' }, ['us-east-1'], now)).toEqual(['us-east-1']);
  });

  it('sweeps daily while behind anywhere, at its own period otherwise', () => {
    expect(sweepPeriodDays(28, [])).toBe(28);
    expect(sweepPeriodDays(28, ['eu-west-1'])).toBe(1);
  });
});
