import { parseNotification } from '../../events/notification.js';

/**
 * What an approver reads: the links in their email, the approval id an announcement names, the text of the page the
 * approval callback answers, and why a click was refused.
 */

/**
 * An approver's own approve/reject links for `approvalId`, read from the email they received (the approval-links
 * topic's message, delivered to their address alone by its filter policy), as a person reads them.
 */
export function linksInEmail(body: string, approvalId: string): { approve: string; reject: string } | undefined {
  const approve = /^\s*Approve: (\S+)$/m.exec(body)?.[1];
  const reject = /^\s*Reject: {2}(\S+)$/m.exec(body)?.[1];
  if (!approve || !reject || new URL(approve).searchParams.get('id') !== approvalId) return undefined;
  return { approve, reject };
}

/** The approval id an approval-requested announcement carries (its buttons and links name it). */
export function approvalIdFrom(message: string): string {
  const parsed = parseNotification(JSON.parse(message));
  return parsed.ok && parsed.notification.event === 'approval-requested' ? parsed.notification.detail.approvalId : '';
}

/** What refused a link click and why: the approval callback, and, for a borrowed link, whose it was. */
export function refusedWhy(by: string, owner: string | undefined): string {
  if (owner === undefined) return 'refused by the approval callback';
  return `refused by the approval callback: no link reached ${by}, so the scenario used ${owner}'s with ${by}'s name put in, and each link's signature covers its own approver`;
}

/** The text a person reads on an HTML page (the callback answers pages), on one line. */
export function textOf(html: string): string {
  const body = /<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? html;
  return body
    .replace(/<h1>[\s\S]*?<\/h1>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ')
    .trim();
}
