import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { Notification, NotificationEvent } from '../../events/notification.js';
import { changesDetailLines } from '../sbom/changes-text.js';
import { ALARM_MARK } from './alarm-text.js';
import { factsOf } from './facts.js';
import { KEY_GRANTS_MARK } from './key-grants-text.js';
import { ROLLOUT_MARK } from './rollout-text.js';
import { monthlySummaryLines } from './summary-lines.js';

/** A Slack message: the fallback `text` (notifications, screen readers) and the Block Kit `blocks`. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** What an approval button carries back in its `value` (covered by Slack's request signature). */
export interface ApprovalButtonValue {
  approvalId: string;
  image: string;
  version: string;
  channel: string;
}

/** The action ids of the approval buttons; the approval callback reads the decision from them. */
export const APPROVE_ACTION = 'goldsmith_approve';
export const REJECT_ACTION = 'goldsmith_reject';

/** The status mark people see first, per kind of announcement. */
const MARK: Record<NotificationEvent, string> = {
  'build-requested': ':hammer_and_wrench:',
  'build-skipped': ':fast_forward:',
  'build-failed': ':x:',
  'image-available': ':package:',
  'gate-passed': ':white_check_mark:',
  'gate-failed': ':no_entry:',
  'approval-requested': ':raising_hand:',
  approved: ':thumbsup:',
  rejected: ':thumbsdown:',
  expired: ':hourglass:',
  aborted: ':octagonal_sign:',
  paused: ':double_vertical_bar:',
  resumed: ':arrow_forward:',
  promoted: ':rocket:',
  'pipeline-disabled': ':rotating_light:',
  'builds-paused': ':octagonal_sign:',
  'revocation-requested': ':warning:',
  'fleet-finding': ':mag:',
  retired: ':file_cabinet:',
  revoked: ':rotating_light:',
  'revocation-scheduled': ':alarm_clock:',
  'revocation-cancelled': ':leftwards_arrow_with_hook:',
  'soak-ended-early': ':fast_forward:',
  'hold-expired': ':hourglass:',
  'fleet-on-revoked': ':rotating_light:',
  'hold-released': ':wastebasket:',
  'version-restored': ':leftwards_arrow_with_hook:',
  'rolled-back': ':rewind:',
  'drift-found': ':mag_right:',
  'claim-refused': ':no_entry:',
  'monthly-summary': ':bar_chart:',
  ...ROLLOUT_MARK,
  ...KEY_GRANTS_MARK,
  ...ALARM_MARK,
};

/** The status mark of an announcement (e.g. `:rocket:` for promoted). */
export function statusMark(event: NotificationEvent): string {
  return MARK[event];
}

// Slack mrkdwn treats &, < and > as control characters (https://api.slack.com/reference/surfaces/formatting#escaping).
const escapeMrkdwn = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

// A section holds at most 10 fields of at most 2000 characters (https://api.slack.com/reference/block-kit/blocks#section).
const MAX_FIELDS = 10;
const field = (label: string, value: string) => ({
  type: 'mrkdwn' as const,
  text: `*${label}*\n${escapeMrkdwn(value).slice(0, 1900)}`,
});

function fieldsOf(n: Notification) {
  const fields = [
    ...(n.image ? [field('Image', n.image)] : []),
    ...(n.version ? [field('Version', n.version)] : []),
    ...(n.channel ? [field('Channel', n.channel)] : []),
    ...factsOf(n).map(([label, value]) => field(label, value)),
  ];
  return fields.slice(0, MAX_FIELDS);
}

function linksBlock(n: Notification): ContextBlock | undefined {
  if (n.links.length === 0) return undefined;
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: n.links.map((l) => `<${l.url}|${escapeMrkdwn(l.label)}>`).join('  ·  ') }],
  };
}

function approvalButtons(n: Extract<Notification, { event: 'approval-requested' }>): ActionsBlock {
  const value: ApprovalButtonValue = {
    approvalId: n.detail.approvalId,
    image: n.image ?? '',
    version: n.version ?? '',
    channel: n.channel ?? '',
  };
  const button = (text: string, actionId: string, style: Button['style']): Button => ({
    type: 'button',
    text: { type: 'plain_text', text },
    action_id: actionId,
    value: JSON.stringify(value),
    style,
  });
  return {
    type: 'actions',
    block_id: `approval:${n.detail.approvalId}`,
    elements: [button('Approve', APPROVE_ACTION, 'primary'), button('Reject', REJECT_ACTION, 'danger')],
  };
}

/** Slack's limits on a section's text and a message's blocks (https://api.slack.com/reference/block-kit/blocks). */
const SECTION_TEXT_MAX = 3000;
const MESSAGE_BLOCKS_MAX = 50;

/**
 * Lines packed into as few sections as Slack allows (each at most SECTION_TEXT_MAX characters), at most `maxBlocks`
 * of them; what does not fit ends the last one as "…and N more" rather than the whole message being refused.
 */
export function sectionsOf(lines: readonly string[], maxBlocks: number): SectionBlock[] {
  const texts: string[][] = [[]];
  let size = 0;
  let shown = 0;
  for (const raw of lines) {
    const line = raw.length > SECTION_TEXT_MAX - 40 ? `${raw.slice(0, SECTION_TEXT_MAX - 41)}…` : raw;
    if (size + line.length + 1 > SECTION_TEXT_MAX - 40) {
      if (texts.length >= maxBlocks) break;
      texts.push([]);
      size = 0;
    }
    texts.at(-1)?.push(line);
    size += line.length + 1;
    shown++;
  }
  if (shown < lines.length) texts.at(-1)?.push(`…and ${lines.length - shown} more`);
  return texts
    .filter((t) => t.length > 0)
    .map((t) => ({ type: 'section', text: { type: 'mrkdwn', text: t.join('\n') } }));
}

function monthlyBlocks(n: Extract<Notification, { event: 'monthly-summary' }>, maxBlocks: number): SectionBlock[] {
  return sectionsOf(monthlySummaryLines(n, { bold: (t) => `*${t}*`, escape: escapeMrkdwn }), maxBlocks);
}

/** The block id of a message's first block: the announcement it carries (`announcement:<id>`). */
export function announcementBlockId(id: string): string {
  return `announcement:${id}`;
}

/**
 * Renders an announcement as a Slack message: the status mark and title, the summary, image / version / channel and
 * the key facts as fields, console links, and — for an approval request — Approve and Reject buttons.
 */
export function renderSlack(n: Notification): SlackMessage {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      // Names the announcement the message carries (block ids are ours to choose, unique within a message, at most
      // 255 characters: https://api.slack.com/reference/block-kit/blocks#section).
      block_id: announcementBlockId(n.id),
      text: {
        type: 'mrkdwn',
        text: `${MARK[n.event]} *${escapeMrkdwn(n.title)}*\n${escapeMrkdwn(n.summary)}`.slice(0, SECTION_TEXT_MAX),
      },
    },
  ];
  const fields = fieldsOf(n);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: every announcement has at least one fact, so fields
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  // The links block and the buttons come after: what is left of Slack's 50 blocks goes to the summary's lines.
  if (n.event === 'monthly-summary') blocks.push(...monthlyBlocks(n, MESSAGE_BLOCKS_MAX - blocks.length - 2));
  if (n.event === 'approval-requested' && n.detail.changes) {
    // The changes' counts are a field; their top lines (critical and high CVEs fixed first) and the diff command follow.
    const lines = changesDetailLines(n.detail.changes).map((l) => `• ${escapeMrkdwn(l)}`);
    blocks.push(...sectionsOf(lines, MESSAGE_BLOCKS_MAX - blocks.length - 2));
  }
  if (n.event === 'approval-requested') blocks.push(approvalButtons(n));
  const links = linksBlock(n);
  if (links) blocks.push(links);
  return { text: `${MARK[n.event]} ${n.title}`, blocks };
}

/**
 * The approval request once decided: the same message without its buttons (so nobody can press them again) and a
 * line saying who decided, how, and when.
 */
export function renderDecidedApproval(
  request: Extract<Notification, { event: 'approval-requested' }>,
  decision: Extract<Notification, { event: 'approved' | 'rejected' | 'expired' }>,
): SlackMessage {
  const original = renderSlack(request).blocks.filter((b) => b.type !== 'actions');
  const verdict =
    decision.event === 'approved'
      ? `${MARK.approved} Approved by *${escapeMrkdwn(decision.detail.by)}* via ${decision.detail.via}`
      : decision.event === 'rejected'
        ? `${MARK.rejected} Rejected${decision.detail.by ? ` by *${escapeMrkdwn(decision.detail.by)}*` : ''}${
            decision.detail.via ? ` via ${decision.detail.via}` : ''
          }`
        : `${MARK.expired} Expired without a decision`;
  return {
    text: `${request.title}: ${decision.event}`,
    blocks: [...original, { type: 'context', elements: [{ type: 'mrkdwn', text: `${verdict} at ${decision.at}` }] }],
  };
}
