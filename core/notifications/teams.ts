import type { Notification, Severity } from '../../events/notification.js';
import { changesDetailLines } from '../sbom/changes-text.js';
import { factsOf } from './facts.js';
import { monthlySummaryLines } from './summary-lines.js';

/**
 * An announcement as Microsoft Teams shows it: one Adaptive Card in a `message` activity, the form a Workflows
 * ("When a Teams webhook request is received") or incoming-webhook URL takes
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using, "Send
 * Adaptive Cards using an Incoming Webhook"). Title, summary, and the facts every sink shows (core/notifications/facts.ts)
 * as a FactSet. No actions and no links: Teams cannot tell Goldsmith who pressed a button, so nobody decides through
 * it (the approval request names the routes that do).
 */

/**
 * The Adaptive Card schema version the cards declare: TextBlock and FactSet are 1.0 elements, so any Teams client
 * renders them; the local stand-in refuses a version outside 1.0–1.5 (local/sinks/teams-stand-in.ts).
 */
export const TEAMS_CARD_VERSION = '1.4';

/**
 * The largest message Teams posts: "When an action posts a message, the message size limit is approximately 28 KB.
 * This limit includes all HTML elements such as text, images, links, tables, mentions, and so on. If the message size
 * exceeds 28 KB, the action fails with the error: "Request Entity too large"" (Microsoft's Teams connector page, "Known
 * issues and limitations", https://learn.microsoft.com/en-us/connectors/teams/: the *Post card in a chat or channel*
 * action a Workflows webhook flow runs). The local stand-in refuses above it.
 */
export const TEAMS_MAX_BYTES = 28 * 1024;
/**
 * What a card is cut to fit: 20 KB. Microsoft's 28 KB counts the message Teams makes of the card (its HTML), not the
 * JSON Goldsmith posts, and is "approximately" that; users measure refusals from about 21 KB of card JSON ("Docu says:
 * 'The message size limit is 28 KB', but testing aligned with 21KB": the msteams_hermes gem's
 * `MSTEAMS_MESSAGE_SIZE_LIMIT`, https://www.rubydoc.info/gems/msteams_hermes/MsTeamsHermes/Message). A card the flow
 * refuses is refused after Goldsmith was answered 202 (docs/notifications-sinks.md): it would be lost, so the margin.
 */
export const TEAMS_CUT_BYTES = 20 * 1024;
const TARGET_BYTES = TEAMS_CUT_BYTES;
/** The longest text one block carries (a fact's value, a line): a card is for scanning. */
const TEXT_MAX = 2000;

type TextBlock = {
  type: 'TextBlock';
  id?: string;
  text: string;
  wrap: true;
  weight?: 'Bolder';
  size?: 'Medium';
  color?: 'Attention' | 'Warning';
  isSubtle?: true;
};
type FactSet = { type: 'FactSet'; facts: { title: string; value: string }[] };

/** The card's JSON, as posted. */
export interface TeamsMessage {
  type: 'message';
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive';
      contentUrl: null;
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
        type: 'AdaptiveCard';
        version: typeof TEAMS_CARD_VERSION;
        body: (TextBlock | FactSet)[];
        msteams: { width: 'Full' };
      };
    },
  ];
}

const COLOR: Record<Severity, TextBlock['color'] | undefined> = {
  info: undefined,
  warning: 'Warning',
  critical: 'Attention',
};

// Teams' TextBlock reads a subset of Markdown: what looks like markup in our texts is shown as written.
const escapeMarkdown = (text: string) => text.replace(/([\\*_[\]`#>~])/g, '\\$1');
const cut = (text: string) => (text.length > TEXT_MAX ? `${text.slice(0, TEXT_MAX - 1)}…` : text);

const bytesOf = (m: TeamsMessage) => Buffer.byteLength(JSON.stringify(m), 'utf8');

function message(body: (TextBlock | FactSet)[]): TeamsMessage {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: TEAMS_CARD_VERSION,
          body,
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/**
 * Renders an announcement as a Teams card, within TEAMS_CUT_BYTES: a monthly summary's lines that do not fit end
 * as "…and N more" rather than the whole card being refused.
 */
export function renderTeams(n: Notification): TeamsMessage {
  const color = COLOR[n.severity];
  const head: (TextBlock | FactSet)[] = [
    {
      type: 'TextBlock',
      // Names the announcement the card carries (an element id is ours to choose), as Slack's first block does.
      id: `announcement:${n.id}`,
      text: cut(escapeMarkdown(n.title)),
      wrap: true,
      weight: 'Bolder',
      size: 'Medium',
      ...(color ? { color } : {}),
    },
    { type: 'TextBlock', text: cut(escapeMarkdown(n.summary)), wrap: true },
    {
      type: 'FactSet',
      facts: [
        ...(n.image ? [['Image', n.image] as const] : []),
        ...(n.version ? [['Version', n.version] as const] : []),
        ...(n.channel ? [['Channel', n.channel] as const] : []),
        ...factsOf(n),
      ].map(([title, value]) => ({ title, value: cut(escapeMarkdown(value)) })),
    },
  ];
  const lines =
    n.event === 'monthly-summary'
      ? monthlySummaryLines(n, { bold: (t) => `**${escapeMarkdown(t)}**`, escape: escapeMarkdown }).map(cut)
      : n.event === 'approval-requested' && n.detail.changes
        ? // The changes' counts are a fact; their top lines and the diff command follow, as in Slack.
          changesDetailLines(n.detail.changes).map((l) => cut(`• ${escapeMarkdown(l)}`))
        : [];
  let shown = lines.length;
  const withLines = (count: number) => {
    const more = lines.length - count;
    const text = [...lines.slice(0, count), ...(more > 0 ? [`…and ${more} more`] : [])].join('\n\n');
    return message(text ? [...head, { type: 'TextBlock', text, wrap: true }] : head);
  };
  let card = withLines(shown);
  while (shown > 0 && bytesOf(card) > TARGET_BYTES) {
    shown = Math.max(0, Math.min(shown - 1, Math.floor((shown * TARGET_BYTES) / bytesOf(card))));
    card = withLines(shown);
  }
  return card;
}

/** A posted card's size in bytes, as Teams counts it against TEAMS_MAX_BYTES (its UTF-8 JSON). */
export const teamsMessageBytes = bytesOf;
