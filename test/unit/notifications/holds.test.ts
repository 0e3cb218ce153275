import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../core/notifications/email.js';
import { renderSlack } from '../../../core/notifications/slack.js';
import { slackRefusal } from '../../../local/slack/limits.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

describe('hold announcements', () => {
  it('hold-expired names how many accounts still use the version, some of them, and the command that releases it', () => {
    const n = SAMPLE_NOTIFICATIONS['hold-expired'];
    expect(n.summary).toContain('3 accounts still use it (41 instances: 200000000001, 200000000002, 200000000003)');
    expect(n.summary).toContain('goldsmith lifecycle release base 1.0.0/3 --reason R');
    expect(n.severity).toBe('warning');
    expect(renderEmail(n)).toContain('Some accounts');
    expect(slackRefusal({ ...renderSlack(n) })).toBeUndefined();
  });

  it('hold-released says who released it, why, and that the next sweep deletes it', () => {
    const n = SAMPLE_NOTIFICATIONS['hold-released'];
    expect(n.summary).toMatch(/^arn:aws:sts::123456789012:assumed-role\/ops\/alice released base 1\.0\.0\/3/);
    expect(n.summary).toContain('team notified twice');
    expect(n.summary).toContain('The next lifecycle sweep deletes it.');
  });
});

describe('fleet-on-revoked', () => {
  it('tells one account, in one Region, what it runs, when that was seen, why it was revoked and what to do', () => {
    const n = SAMPLE_NOTIFICATIONS['fleet-on-revoked'];
    expect(n.title).toBe('base 1.0.0/3 was revoked: account 200000000002 still runs it in eu-west-1');
    expect(n.summary).toContain('12 instances and 1 launch template');
    expect(n.summary).toContain('(2027-02-02T03:00:00.000Z)');
    expect(n.summary).toContain("move to the channel's current version");
    expect(n.severity).toBe('critical');
    expect(slackRefusal({ ...renderSlack(n) })).toBeUndefined();
  });
});
