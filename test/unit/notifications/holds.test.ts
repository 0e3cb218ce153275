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
