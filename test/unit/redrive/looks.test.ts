import { describe, expect, it } from 'vitest';
import {
  FOLLOW_UP_SECONDS,
  followUpSchedule,
  queueOfAlarm,
  queueUrlNamed,
  tooSoonToRedrive,
} from '../../../core/redrive/looks.js';

const NOW = new Date('2027-01-14T12:00:30Z');

describe('the re-drive’s looks', () => {
  it('reads the queue off a depth alarm’s metric, and finds its URL by name', () => {
    const metric = (dimensions: Record<string, string>) => ({
      configuration: { metrics: [{ metricStat: { metric: { dimensions } } }] },
    });
    expect(queueOfAlarm(metric({ QueueName: 'goldsmith-prod-TriggersDlq' }))).toBe('goldsmith-prod-TriggersDlq');
    expect(queueOfAlarm(metric({ FunctionName: 'x' }))).toBeUndefined();
    expect(queueOfAlarm({})).toBeUndefined();
    // A metric-math alarm lists several metrics; the queue is the one that names it.
    const two = { configuration: { metrics: [{}, { metricStat: { metric: { dimensions: { QueueName: 'Dlq' } } } }] } };
    expect(queueOfAlarm(two)).toBe('Dlq');
    const urls = [
      'https://sqs.us-east-1.amazonaws.com/1/goldsmith-prod-TriggersDlq',
      'https://sqs.us-east-1.amazonaws.com/1/Dlq',
    ];
    expect(queueUrlNamed(urls, 'Dlq')).toBe(urls[1]);
    expect(queueUrlNamed(urls, 'TriggersDlq')).toBeUndefined();
  });

  it('waits an hour between two re-drives of the same chain of failures, not for a new failure', () => {
    const history = { lastRedriveAt: '2027-01-14T11:01:00Z' };
    expect(tooSoonToRedrive(history, true, NOW)).toBe(true);
    expect(tooSoonToRedrive(history, true, new Date('2027-01-14T12:01:00Z'))).toBe(false);
    expect(tooSoonToRedrive(history, false, NOW)).toBe(false);
    expect(tooSoonToRedrive(undefined, true, NOW)).toBe(false);
  });

  it('names one follow-up per queue and minute, at a whole minute at least ten minutes on', () => {
    const a = followUpSchedule('goldsmith-prod-TriggersDlq', NOW);
    expect(a.expression).toBe('at(2027-01-14T12:11:00)');
    expect(a.at.getTime() - NOW.getTime()).toBeGreaterThanOrEqual(FOLLOW_UP_SECONDS * 1000);
    expect(a.name).toMatch(/^redrive-[0-9a-f]{16}-202701141211$/);
    expect(a.name.length).toBeLessThanOrEqual(64);
    expect(followUpSchedule('goldsmith-prod-TriggersDlq', new Date('2027-01-14T12:00:50Z')).name).toBe(a.name);
    expect(followUpSchedule('goldsmith-prod-HealthDlq', NOW).name).not.toBe(a.name);
  });
});
