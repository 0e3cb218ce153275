import type { ApprovalChanges } from '../../events/approval-changes.js';
import { changesDetailLines, changesLine } from '../sbom/changes-text.js';

/**
 * The message that carries one approver's own approve/reject links, to that approver alone (an SNS subscription
 * filtered on the `approver` attribute: aws/notifications/approver-links.ts). It is never an announcement: nothing stores, logs or
 * re-delivers it, and the team's approval announcement holds no link.
 */

/** One approver's links for one approval request. */
export interface ApproverLinks {
  approvalId: string;
  image: string;
  version: string;
  channel: string;
  /** The approver the links name (and the signature covers): they work only as this approver. */
  approver: string;
  /** The other approvers, any of whom may decide first. */
  others: string[];
  expiresAt: string;
  findings?: { critical: number; high: number; medium: number } | undefined;
  /** The parent version it was built on and how that one stands at the channel (core/promotion/rejected-parent.ts). */
  parent?: string | undefined;
  /** What the version changes against the channel's current one (events/approval-changes.ts). */
  changes?: ApprovalChanges | undefined;
  approve: string;
  reject: string;
}

/** The document machine subscribers (`default`, e.g. a function that sends Slack direct messages) receive. */
export interface ApproverLinksDocument extends ApproverLinks {
  kind: 'approval-links';
}

/** SNS message attributes of an approver's links: the subscription filter policy matches `approver`. */
export function approverLinkAttributes(l: ApproverLinks): Record<string, string> {
  return { kind: 'approval-links', approver: l.approver, image: l.image, channel: l.channel };
}

// Email subjects: UTF-8, no line breaks or control characters, under 100 characters
// (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html); Goldsmith's are kept to printable ASCII.
const subjectOf = (l: ApproverLinks) => {
  const text = `Your decision, ${l.approver}: ${l.image} ${l.version} for ${l.channel}`.replace(/[^\x20-\x7e]/g, ' ');
  return text.length < 100 ? text : `${text.slice(0, 96)}...`;
};

/** The subject, the readable email and the JSON document of one approver's links. */
export function approverMessage(l: ApproverLinks): { subject: string; email: string; document: ApproverLinksDocument } {
  const findings = l.findings
    ? `${l.findings.critical} critical, ${l.findings.high} high, ${l.findings.medium} medium`
    : 'not recorded';
  const email = [
    `${l.image} ${l.version} is waiting for your approval to enter ${l.channel}, until ${l.expiresAt}.`,
    '',
    `Image:    ${l.image}`,
    `Version:  ${l.version}`,
    `Channel:  ${l.channel}`,
    `Findings: ${findings}`,
    ...(l.parent ? [`Built on: ${l.parent}`] : []),
    ...(l.changes
      ? [`Changes:  ${changesLine(l.changes)}`, ...changesDetailLines(l.changes).map((c) => `  ${c}`)]
      : []),
    `Others:   ${l.others.length > 0 ? `${l.others.join(', ')} (the first answer decides)` : 'nobody else'}`,
    '',
    `These links are yours alone: they decide only as ${l.approver}, and opening one decides nothing (it shows a`,
    'page with a button). Do not forward them.',
    `  Approve: ${l.approve}`,
    `  Reject:  ${l.reject}`,
    '',
    '-- Goldsmith (approval-links)',
  ].join('\n');
  return { subject: subjectOf(l), email, document: { kind: 'approval-links', ...l } };
}
