import { describe, expect, it } from 'vitest';
import {
  type ApproverLinks,
  approverLinkAttributes,
  approverMessage,
} from '../../../core/notifications/approver-links.js';

const LINKS: ApproverLinks = {
  approvalId: 'ap-1',
  image: 'base',
  version: '1.0.0/4',
  channel: 'prod',
  approver: 'ops-lead',
  others: ['security-reviewer', 'cto'],
  expiresAt: '2027-02-03T06:00:00Z',
  findings: { critical: 0, high: 2, medium: 5 },
  approve: 'https://approve.example/a?sig=1',
  reject: 'https://approve.example/r?sig=1',
};

describe('approverLinkAttributes', () => {
  it('names the kind, the approver the subscription filter matches, the image and the channel', () => {
    expect(approverLinkAttributes(LINKS)).toStrictEqual({
      kind: 'approval-links',
      approver: 'ops-lead',
      image: 'base',
      channel: 'prod',
    });
  });
});

describe('approverMessage', () => {
  it('writes the email: what waits, until when, the findings, the others, and the links that are the approver’s alone', () => {
    expect(approverMessage(LINKS).email).toBe(
      [
        'base 1.0.0/4 is waiting for your approval to enter prod, until 2027-02-03T06:00:00Z.',
        '',
        'Image:    base',
        'Version:  1.0.0/4',
        'Channel:  prod',
        'Findings: 0 critical, 2 high, 5 medium',
        'Others:   security-reviewer, cto (the first answer decides)',
        '',
        'These links are yours alone: they decide only as ops-lead, and opening one decides nothing (it shows a',
        'page with a button). Do not forward them.',
        '  Approve: https://approve.example/a?sig=1',
        '  Reject:  https://approve.example/r?sig=1',
        '',
        '-- Goldsmith (approval-links)',
      ].join('\n'),
    );
  });

  it('says when the findings were not recorded and when nobody else may decide', () => {
    const { email } = approverMessage({ ...LINKS, findings: undefined, others: [] });

    expect(email).toContain('\nFindings: not recorded\n');
    expect(email).toContain('\nOthers:   nobody else\n');
  });

  it('hands machine subscribers the links as a document of kind approval-links', () => {
    expect(approverMessage(LINKS).document).toStrictEqual({ kind: 'approval-links', ...LINKS });
  });

  it('addresses the subject to the approver, about the image, version and channel', () => {
    expect(approverMessage(LINKS).subject).toBe('Your decision, ops-lead: base 1.0.0/4 for prod');
  });

  it('writes the subject in printable ASCII only, each other character a space', () => {
    expect(approverMessage({ ...LINKS, approver: 'zoë\nx', channel: 'prod→' }).subject).toBe(
      'Your decision, zo  x: base 1.0.0/4 for prod ',
    );
  });

  it('keeps a subject of 99 characters, and cuts a longer one to 96 and an ellipsis', () => {
    const prefix = 'Your decision, ops-lead: base 1.0.0/4 for '.length;
    const fits = approverMessage({ ...LINKS, channel: 'c'.repeat(99 - prefix) }).subject;
    const over = approverMessage({ ...LINKS, channel: 'c'.repeat(100 - prefix) }).subject;

    expect(fits).toHaveLength(99);
    expect(fits.endsWith('ccc')).toBe(true);
    expect(over).toHaveLength(99);
    expect(over).toBe(`Your decision, ops-lead: base 1.0.0/4 for ${'c'.repeat(96 - prefix)}...`);
  });
});
