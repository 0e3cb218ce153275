import { describe, expect, it } from 'vitest';
import { renderDecidedApproval, renderSlack } from '../../../core/notifications/slack.js';
import type { Notification } from '../../../events/notification.js';
import { slackRefusal } from '../../../local/slack/limits.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

type Monthly = Extract<Notification, { event: 'monthly-summary' }>;

/** The month-end summary of a catalog of `count` images, each with something still waiting, soaking and building. */
function monthlyOf(count: number): Monthly {
  const sample = SAMPLE_NOTIFICATIONS['monthly-summary'] as Monthly;
  const names = Array.from({ length: count }, (_, i) => `golden-image-number-${String(i).padStart(4, '0')}`);
  return {
    ...sample,
    detail: {
      ...sample.detail,
      images: names.map((image) => ({
        image,
        built: 12,
        failed: 3,
        promoted: 9,
        rejected: 1,
        patchToProdHours: 71.5,
        cost: 123.45,
      })),
      waiting: names.map((image) => ({
        image,
        version: '1.0.0/123',
        channel: 'prod',
        on: ['ops-lead', 'security-reviewer'],
        since: '2027-01-30T00:00:00.000Z',
      })),
      soaking: names.map((image) => ({
        image,
        version: '1.0.0/124',
        channel: 'staging',
        until: '2027-02-02T06:00:00.000Z',
      })),
      building: names.map((image) => ({ image, version: '1.0.0/125', since: '2027-01-31T22:00:00.000Z' })),
      compliance: names.map((image) => ({
        image,
        channel: 'prod',
        cycle: '2027-01',
        version: '1.0.0/124',
        pointerHours: 53.9,
        medianHoursTo90: 96,
        worstHoursTo90: null,
        ous: 200,
        laggards: Array.from({ length: 10 }, (_, i) => `ou-x1y2-prd${String(i).padStart(5, '0')}`),
      })),
    },
  };
}

describe("Goldsmith's Slack messages stay within Slack's limits", () => {
  it('every kind of announcement, and an approval request once decided', () => {
    for (const n of Object.values(SAMPLE_NOTIFICATIONS)) {
      expect(slackRefusal({ ...renderSlack(n) }), n.event).toBeUndefined();
    }
    const request = SAMPLE_NOTIFICATIONS['approval-requested'] as Extract<
      Notification,
      { event: 'approval-requested' }
    >;
    const approved = SAMPLE_NOTIFICATIONS.approved as Extract<Notification, { event: 'approved' }>;
    expect(slackRefusal({ ...renderDecidedApproval(request, approved) })).toBeUndefined();
  });

  it('the monthly summary of a 100-image catalog: every image listed, over several sections', () => {
    const message = renderSlack(monthlyOf(100));
    const text = JSON.stringify(message.blocks);

    expect(slackRefusal({ ...message })).toBeUndefined();
    expect(text).toContain('golden-image-number-0099*: 12 built');
    expect(text).not.toContain('more');
  });

  it('a summary too long for one message ends with "…and N more" instead of being refused', () => {
    const message = renderSlack(monthlyOf(2000));

    expect(slackRefusal({ ...message })).toBeUndefined();
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks)).toMatch(/…and \d+ more/);
  });
});
