import { describe, expect, it } from 'vitest';
import {
  approversCutOff,
  describeSubscriptionDrift,
  hasSubscriptionDrift,
  listingDiffers,
  subscriptionDrift,
  subscriptionDriftSk,
  wantedSubscriptions,
} from '../../../core/audit/subscriptions.js';

const SLACK = 'arn:aws:lambda:us-east-1:123456789012:function:prod-goldsmith-Notifications-SlackNotify';
const notifications = {
  email: ['all@example.com', { address: 'oncall@example.com', only: { severities: ['critical' as const] } }],
  approvers: { 'ops-lead': 'ops@example.com' },
  webhooks: [],
  monthlySummary: { day: 1, at: '09:00' },
};

describe("the topics' subscriptions against those the stacks make", () => {
  const wanted = wantedSubscriptions(notifications, { SLACK_FUNCTION_ARN: SLACK });

  it('wants each email subscriber with its filter, the Slack function, and each approver filtered on approver', () => {
    expect(wanted).toEqual([
      { topic: 'notifications', protocol: 'email', endpoint: 'all@example.com', filterPolicy: undefined },
      {
        topic: 'notifications',
        protocol: 'email',
        endpoint: 'oncall@example.com',
        filterPolicy: { severity: ['critical'] },
      },
      { topic: 'notifications', protocol: 'lambda', endpoint: SLACK },
      {
        topic: 'approval-links',
        protocol: 'email',
        endpoint: 'ops@example.com',
        filterPolicy: { approver: ['ops-lead'] },
        approver: 'ops-lead',
      },
    ]);
  });

  it('finds one added, one removed and one re-filtered; an address differing only in case is the same', () => {
    const mine = wanted.filter((w) => w.topic === 'notifications');
    const held = [
      { arn: 'arn:aws:sns:us-east-1:1:t:a', protocol: 'email', endpoint: 'ALL@example.com' },
      {
        arn: 'arn:aws:sns:us-east-1:1:t:b',
        protocol: 'email',
        endpoint: 'oncall@example.com',
        filterPolicy: { severity: ['info'] },
      },
      { arn: 'PendingConfirmation', protocol: 'email', endpoint: 'mallory@example.net' },
    ];

    const drift = subscriptionDrift(held, mine);

    expect(hasSubscriptionDrift(drift)).toBe(true);
    expect(describeSubscriptionDrift(drift)).toBe(
      `a subscription the stacks did not make (email mallory@example.net); no subscription of lambda ${SLACK}; email oncall@example.com filtered on {"severity":["info"]}`,
    );
    const day = new Date('2027-02-03T01:00:00Z');
    expect(subscriptionDriftSk('notifications', drift, day)).toMatch(
      /^DRIFT#subscription#notifications#2027-02-03#[0-9a-f]{16}$/,
    );
    expect(subscriptionDriftSk('notifications', drift, day)).toBe(subscriptionDriftSk('notifications', drift, day));
  });

  it('finds nothing when SNS holds exactly what the stacks make', () => {
    const held = wanted.map((w, i) => ({ arn: `arn:aws:sns:us-east-1:1:t:${i}`, ...w }));
    expect(hasSubscriptionDrift(subscriptionDrift(held.slice(0, 3), wanted.slice(0, 3)))).toBe(false);
  });

  it('names the approver an unsubscribe cut off; the hourly listing alone sees that, but not a filter it cannot read', () => {
    const links = wanted.filter((w) => w.topic === 'approval-links');
    const gone = subscriptionDrift([], links);

    expect(listingDiffers(gone)).toBe(true);
    expect(approversCutOff(gone).map((w) => w.approver)).toEqual(['ops-lead']);
    expect(describeSubscriptionDrift(gone)).toBe(
      'no subscription of email ops@example.com (approver ops-lead: their approval links no longer reach them)',
    );
    // The listing carries no filter policy: a confirmed subscription read without one is not drift to the hourly look.
    const listed = subscriptionDrift(
      [{ arn: 'arn:aws:sns:us-east-1:1:l:a', protocol: 'email', endpoint: 'ops@example.com' }],
      links,
    );
    expect(listingDiffers(listed)).toBe(false);
    expect(approversCutOff(listed)).toEqual([]);
  });
});
