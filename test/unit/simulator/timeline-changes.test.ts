import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../../local/simulator/timeline.js';
import { emptyReport } from '../../fixtures/report.js';

describe('the simulation timeline', () => {
  it('names what each approval request changes against the channel’s current version', () => {
    const changes =
      'changes against 1.0.0/1: packages 1 upgraded, 0 downgraded, 0 added, 0 removed; CVEs fixed 1 (1 high), new 0, reappeared 0';
    const r = emptyReport({
      notifications: [
        {
          event: 'approval-requested',
          image: 'base',
          channel: 'prod',
          at: '2027-01-18T03:52:00.000Z',
          subject: 'Approve base 1.0.0/2 for prod?',
          changes,
        },
      ],
    });

    expect(buildTimeline(r, [], [], [], [], ['dev', 'prod']).map((e) => e.text)).toEqual([
      `1.0.0/2 approval requested for prod — ${changes}`,
    ]);
  });
});
