import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../core/notifications/email.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

const summary = SAMPLE_NOTIFICATIONS['monthly-summary'];

describe('renderEmail', () => {
  it('writes the summary, the head facts aligned, and a blank line before the signature', () => {
    expect(renderEmail(SAMPLE_NOTIFICATIONS.approved)).toBe(
      [
        'base 1.0.0/3 was approved for prod by ops-lead (approver, through Slack).',
        '',
        'Image:    base',
        'Version:  1.0.0/3',
        'Channel:  prod',
        'By:       ops-lead',
        'Via:      slack',
        '',
        '-- Goldsmith (approved, info)',
      ].join('\n'),
    );
  });

  it('leaves out image, version and channel when there are none, and lists the links after a blank line', () => {
    const n = {
      ...SAMPLE_NOTIFICATIONS.approved,
      image: undefined,
      version: undefined,
      channel: undefined,
      links: [{ label: 'Promotion', url: 'https://console.example/p' }],
    };

    expect(renderEmail(n)).toBe(
      [
        'base 1.0.0/3 was approved for prod by ops-lead (approver, through Slack).',
        '',
        'By:       ops-lead',
        'Via:      slack',
        '',
        'Promotion: https://console.example/p',
        '',
        '-- Goldsmith (approved, info)',
      ].join('\n'),
    );
  });

  it("tables a monthly summary: each image, what still waits, soaks and builds, and the month's cost", () => {
    expect(renderEmail(summary).split('\n').slice(10)).toEqual([
      '',
      'Per image:',
      '  base: 3 built, 1 failed, 2 promoted, 1 rejected, patch day → first prod promotion 50 h, 7.25 USD',
      '',
      'Still waiting:',
      '  base 1.0.0/3 for prod: waiting on ops-lead since 2027-01-30T00:00:00.000Z',
      '',
      'Still soaking:',
      '  base 1.0.0/4 in staging: soaks until 2027-02-02T06:00:00.000Z',
      '',
      'Still building:',
      '  base 1.0.0/5: building since 2027-01-31T22:00:00.000Z',
      '',
      "Patch compliance (from Patch Tuesday or the finding, as of the month's end):",
      '  base/prod 2027-01 (1.0.0/2): pointer moved after 53.9 h; 90 % of instances: median OU 4 d, worst not yet; not yet: ou-x1y2-prd00002',
      '',
      'Estimated cost: 7.25 USD (builds 1.30, storage 5.50, channel pointers 0.45)',
      '',
      '-- Goldsmith (monthly-summary, info)',
    ]);
  });

  it('lists every approver still awaited', () => {
    const n = {
      ...summary,
      detail: { ...summary.detail, waiting: [{ ...summary.detail.waiting[0]!, on: ['a', 'b'] }] },
    };

    expect(renderEmail(n)).toContain('  base 1.0.0/3 for prod: waiting on a, b since 2027-01-30T00:00:00.000Z');
  });

  it('says when nothing waits, and leaves out soaking, building, costs and an unknown patch time', () => {
    const n = {
      ...summary,
      detail: {
        ...summary.detail,
        images: [{ image: 'base', built: 1, failed: 0, promoted: 1, rejected: 0, patchToProdHours: null, cost: 2 }],
        waiting: [],
        soaking: undefined,
        building: [],
        cost: undefined,
        compliance: undefined,
      },
    };

    expect(renderEmail(n).split('\n').slice(-7)).toEqual([
      '',
      'Per image:',
      '  base: 1 built, 0 failed, 1 promoted, 0 rejected, patch day → first prod promotion n/a',
      '',
      'Nothing is waiting on anyone.',
      '',
      '-- Goldsmith (monthly-summary, info)',
    ]);
  });
});
