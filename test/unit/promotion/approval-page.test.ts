import { describe, expect, it } from 'vitest';
import type { ApprovalLinkClaims } from '../../../core/promotion/approval-link.js';
import { confirmationPage, messagePage, PAGE_HEADERS } from '../../../core/promotion/approval-page.js';

const claims: ApprovalLinkClaims = {
  id: 'a1',
  image: 'base',
  version: '1.0.0/3',
  channel: 'prod',
  decision: 'approve',
  by: 'ops-lead',
  expires: Date.UTC(2027, 0, 17, 5) / 1000,
  nonce: 'n0nce-from-the-ledger-000',
};
const lines = (html: string) => html.split('\n');

describe('confirmationPage: an approval still open', () => {
  it('asks to approve, lists what the link decides and who else may, and posts back to the same link', () => {
    const html = confirmationPage(
      claims,
      {
        approvers: ['ops-lead', 'security', 'cto'],
        requestedAt: '2027-01-14T05:00:00.000Z',
        findings: { critical: 0, high: 2, medium: 5 },
      },
      '?id=a1&sig=x',
    );

    expect(lines(html)).toEqual([
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      '<meta name="robots" content="noindex">',
      '<title>Approve base 1.0.0/3 for prod?</title>',
      '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}',
      'dt{font-weight:600}dd{margin:0 0 .5rem}button{font-size:1rem;padding:.5rem 1.5rem}</style>',
      '</head><body>',
      '<h1>Approve base 1.0.0/3 for prod?</h1>',
      '<p>This page decides nothing by being opened. Press the button to approve as ops-lead.</p>',
      '<dl>',
      '<dt>Image</dt><dd>base</dd>',
      '<dt>Version</dt><dd>1.0.0/3</dd>',
      '<dt>Channel</dt><dd>prod</dd>',
      '<dt>Gate</dt><dd>passed; findings: 0 critical, 2 high, 5 medium</dd>',
      '<dt>You decide as</dt><dd>ops-lead</dd>',
      '<dt>Others who may decide</dt><dd>security, cto (the first answer decides)</dd>',
      '<dt>Requested</dt><dd>2027-01-14T05:00:00.000Z</dd>',
      '<dt>Link expires</dt><dd>2027-01-17T05:00:00.000Z</dd>',
      '</dl>',
      '<form method="post" action="?id=a1&amp;sig=x">',
      '<button type="submit">Approve as ops-lead</button>',
      '</form>',
      '</body></html>',
    ]);
  });

  it('asks a rejecter for a reason, and says when findings were not recorded and nobody else may decide', () => {
    const html = lines(confirmationPage({ ...claims, decision: 'reject' }, { approvers: ['ops-lead'] }, '?id=a1'));

    expect(html).toContain('<title>Reject base 1.0.0/3 for prod?</title>');
    expect(html).toContain('<dt>Gate</dt><dd>passed; findings: not recorded</dd>');
    expect(html).toContain('<dt>Others who may decide</dt><dd>nobody else</dd>');
    expect(html.some((l) => l.includes('Requested'))).toBe(false);
    expect(html.slice(-6)).toEqual([
      '<form method="post" action="?id=a1">',
      '<p><label for="reason">Reason (shown in the announcement and the history)</label><br>',
      '<textarea id="reason" name="reason" rows="3" cols="60" maxlength="1000"></textarea></p>',
      '<button type="submit">Reject as ops-lead</button>',
      '</form>',
      '</body></html>',
    ]);
  });

  it('escapes every character HTML treats specially', () => {
    const html = confirmationPage({ ...claims, by: `<a href="x">'&'</a>` }, { approvers: [] }, '?');

    expect(html).toContain('<dt>You decide as</dt><dd>&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;</dd>');
    expect(html).not.toContain('<a href');
  });
});

describe('confirmationPage: an approval already decided', () => {
  it('says who decided, how and when, with no button', () => {
    const html = lines(
      confirmationPage(
        claims,
        {
          approvers: ['ops-lead'],
          decided: { decision: 'reject', by: 'security', via: 'slack', at: '2027-01-15T00:00:00Z' },
        },
        '?id=a1',
      ),
    );

    expect(html).toContain('<title>base 1.0.0/3 for prod: already rejected</title>');
    expect(html).toContain(
      '<p>Already decided: rejected by security (slack) at 2027-01-15T00:00:00Z. Nothing more to do.</p>',
    );
    expect(html.some((l) => l.includes('<form') || l.includes('<button'))).toBe(false);
  });

  it('leaves out how and when when they are not known', () => {
    const html = confirmationPage(claims, { approvers: [], decided: { decision: 'approve', by: 'ops-lead' } }, '?');

    expect(html).toContain('<p>Already decided: approved by ops-lead. Nothing more to do.</p>');
    expect(html).toContain('<title>base 1.0.0/3 for prod: already approved</title>');
  });
});

describe('messagePage and the headers', () => {
  it('titles a short answer and escapes its text', () => {
    expect(lines(messagePage('Refused', 'link <expired>'))).toContain('<p>link &lt;expired&gt;</p>');
    expect(lines(messagePage('A & B', 'x'))).toContain('<h1>A &amp; B</h1>');
  });

  it('is never cached, framed, sniffed or given a referrer, and loads nothing', () => {
    expect(PAGE_HEADERS).toEqual({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    });
  });
});
