import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../core/notifications/email.js';
import { summarizeMonth } from '../../../core/notifications/monthly-summary.js';
import { renderSlack } from '../../../core/notifications/slack.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

const record = (ou: string, reached90At: string | undefined, extra: Record<string, unknown> = {}) => ({
  pk: 'COMPLIANCE',
  sk: `CYCLE#2027-03#base#prod#${ou}`,
  cycle: '2027-03',
  image: 'base',
  channel: 'prod',
  ou,
  version: '1.0.0/5',
  startedAt: '2027-03-09T00:00:00.000Z',
  pointerAt: '2027-03-11T06:00:00.000Z',
  reached50At: '2027-03-12T00:00:00.000Z',
  reached90At,
  patched: 8,
  instances: 10,
  ...extra,
});

const summary = (compliance: Record<string, unknown>[]) =>
  summarizeMonth({
    month: '2027-03',
    channels: ['dev', 'prod'],
    images: { base: { items: [], regions: 1 } },
    prices: { currency: 'USD', ssmAdvancedParameterMonth: 0.05 },
    compliance,
  });

describe("the monthly summary's patch compliance", () => {
  it("says per channel the pointer's time, the median and worst OU's time to 90 %, and the OUs not there", () => {
    const s = summary([
      record('ou-a', '2027-03-13T00:00:00.000Z'),
      record('ou-b', '2027-03-15T00:00:00.000Z'),
      record('ou-c', undefined, { patched: 2 }),
      // January's cycle is too old for March's summary.
      record('ou-a', '2027-01-13T00:00:00.000Z', { cycle: '2027-01', startedAt: '2027-01-12T00:00:00.000Z' }),
    ]);
    expect(s.compliance).toEqual([
      {
        image: 'base',
        channel: 'prod',
        cycle: '2027-03',
        version: '1.0.0/5',
        pointerHours: 54,
        medianHoursTo90: 144,
        worstHoursTo90: null,
        ous: 3,
        laggards: ['ou-c'],
      },
    ]);
  });

  it("tells the month before's cycle too, with its laggards' progress up to the month's end", () => {
    const feb = { cycle: '2027-02', startedAt: '2027-02-09T00:00:00.000Z', pointerAt: '2027-02-11T06:00:00.000Z' };
    const s = summary([record('ou-a', '2027-03-05T00:00:00.000Z', feb), record('ou-b', undefined, feb)]);
    expect(s.compliance?.map((c) => [c.cycle, c.medianHoursTo90, c.laggards])).toEqual([['2027-02', 576, ['ou-b']]]);
  });

  it("counts a threshold first seen after the month's end as not reached, so a late summary says the same", () => {
    const s = summary([record('ou-a', '2027-04-02T00:00:00.000Z')]);
    expect(s.compliance?.[0]).toMatchObject({ medianHoursTo90: null, worstHoursTo90: null, laggards: ['ou-a'] });
    expect(summary([]).compliance).toBeUndefined();
  });

  it('shows the lines in the email and in Slack', () => {
    const n = SAMPLE_NOTIFICATIONS['monthly-summary'];
    const line =
      'base/prod 2027-01 (1.0.0/2): pointer moved after 53.9 h; 90 % of instances: median OU 4 d, worst not yet; not yet: ou-x1y2-prd00002';
    expect(renderEmail(n)).toContain(`  ${line}`);
    expect(JSON.stringify(renderSlack(n).blocks)).toContain(line);
  });
});
