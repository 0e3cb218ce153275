import { describe, expect, it } from 'vitest';
import type { PublishedMessage } from '../../../local/fakes/sns-sts.js';
import { refusedAnnouncements } from '../../../local/simulator/report-faults.js';

const published = (id: string): PublishedMessage => ({
  topicArn: 'arn:aws:sns:us-east-1:123456789012:goldsmith-test-notifications',
  messageId: `m-${id}`,
  subject: 'x',
  message: JSON.stringify({ id, event: 'promoted' }),
  attributes: {},
  at: '2027-01-14T18:00:00.000Z',
});

describe('refusedAnnouncements (the report)', () => {
  it('tells apart an announcement published later, one still waiting for the reconciler, and one lost', () => {
    const sns = {
      messages: [published('a')],
      refusedAnnouncements: new Set(['notification:a', 'notification:b', 'notification:c']),
    };
    const ledger = [{ pk: 'NOTIFY#UNDELIVERED', sk: 'b', kind: 'undelivered-notification' }];

    expect(refusedAnnouncements(sns, ledger)).toEqual({ refused: 3, publishedLater: 1, pending: 1, lost: 1 });
  });
});
