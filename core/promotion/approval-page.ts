import type { ApprovalChanges } from '../../events/approval-changes.js';
import { changesDetailLines, changesLine } from '../sbom/changes-text.js';
import type { ApprovalLinkClaims } from './approval-link.js';

/** What the confirmation page shows of the approval a link names. */
export interface ApprovalPageFacts {
  approvers: readonly string[];
  requestedAt?: string | undefined;
  /** The gate's findings when approval was asked, if recorded. */
  findings?: { critical: number; high: number; medium: number } | undefined;
  /** What the version changes against the channel's current one, as the request showed it. */
  changes?: ApprovalChanges | undefined;
  /** Set once someone decided. */
  decided?:
    | { decision: 'approve' | 'reject'; by: string; via?: string | undefined; at?: string | undefined }
    | undefined;
}

const escapeHtml = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

/**
 * Headers of every page the callback answers: never cached or framed, no referrer (the page's address is the link),
 * nothing loaded, forms post only back to the callback.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

function page(title: string, body: string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}',
    'dt{font-weight:600}dd{margin:0 0 .5rem}button{font-size:1rem;padding:.5rem 1.5rem}</style>',
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...body,
    '</body></html>',
  ].join('\n');
}

const verb = (d: 'approve' | 'reject') => (d === 'approve' ? 'Approve' : 'Reject');
const done = (d: 'approve' | 'reject') => (d === 'approve' ? 'approved' : 'rejected');

/**
 * The page a link's GET answers: what the link would decide, about which image, version and channel, the gate's
 * findings, who else may decide and until when, and one button that POSTs the same signed link (with an optional
 * reason for a rejection). Opening it decides nothing, so a mail scanner's prefetch, a preview or a second look
 * changes nothing. Once decided, the page says by whom and has no button.
 * @param action the form's target: the link's own query string (`?id=…&sig=…`), so the POST carries the signed claims.
 */
export function confirmationPage(claims: ApprovalLinkClaims, facts: ApprovalPageFacts, action: string): string {
  const what = `${claims.image} ${claims.version} for ${claims.channel}`;
  const others = facts.approvers.filter((a) => a !== claims.by);
  const findings = facts.findings
    ? `${facts.findings.critical} critical, ${facts.findings.high} high, ${facts.findings.medium} medium`
    : 'not recorded';
  const rows: [string, string][] = [
    ['Image', claims.image],
    ['Version', claims.version],
    ['Channel', claims.channel],
    ['Gate', `passed; findings: ${findings}`],
    ...(facts.changes ? [['Changes', changesLine(facts.changes)] as [string, string]] : []),
    ['You decide as', claims.by],
    ['Others who may decide', others.length > 0 ? `${others.join(', ')} (the first answer decides)` : 'nobody else'],
    ...(facts.requestedAt ? [['Requested', facts.requestedAt] as [string, string]] : []),
    ['Link expires', new Date(claims.expires * 1000).toISOString()],
  ];
  const detail = facts.changes ? changesDetailLines(facts.changes) : [];
  const list = [
    '<dl>',
    ...rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`),
    '</dl>',
    ...(detail.length > 0 ? ['<ul>', ...detail.map((l) => `<li>${escapeHtml(l)}</li>`), '</ul>'] : []),
  ];
  if (facts.decided) {
    const { decision, by, via, at } = facts.decided;
    const how = `${done(decision)} by ${by}${via ? ` (${via})` : ''}${at ? ` at ${at}` : ''}`;
    return page(`${what}: already ${done(decision)}`, [
      `<p>Already decided: ${escapeHtml(how)}. Nothing more to do.</p>`,
      ...list,
    ]);
  }
  const reason =
    claims.decision === 'reject'
      ? [
          '<p><label for="reason">Reason (shown in the announcement and the history)</label><br>',
          '<textarea id="reason" name="reason" rows="3" cols="60" maxlength="1000"></textarea></p>',
        ]
      : [];
  return page(`${verb(claims.decision)} ${what}?`, [
    `<p>This page decides nothing by being opened. Press the button to ${claims.decision} as ${escapeHtml(claims.by)}.</p>`,
    ...list,
    `<form method="post" action="${escapeHtml(action)}">`,
    ...reason,
    `<button type="submit">${verb(claims.decision)} as ${escapeHtml(claims.by)}</button>`,
    '</form>',
  ]);
}

/** A short page for an answer (decided, refused). */
export function messagePage(title: string, text: string): string {
  return page(title, [`<p>${escapeHtml(text)}</p>`]);
}
