/**
 * What Slack refuses in a chat.postMessage / chat.update body, with the error Slack answers (HTTP 200, ok:false):
 * - message `text` over 40,000 characters: `msg_too_long` (https://api.slack.com/methods/chat.postMessage, "Truncating
 *   content" and its error list);
 * - Block Kit (https://api.slack.com/reference/block-kit/blocks): at most 50 blocks in a message; a section's text
 *   at most 3,000 characters, its fields at most 10, each at most 2,000; a header's plain text at most 150; an
 *   actions block at most 25 elements; a context block at most 10 elements;
 * - a button (https://api.slack.com/reference/block-kit/block-elements#button): text at most 75 characters, value
 *   at most 2,000, action_id at most 255, url at most 3,000.
 * Any block breaking these is `invalid_blocks`. Slack also names the offending path in `response_metadata.messages`
 * ("[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"); the stand-in answers the same.
 */

export const SLACK_LIMITS = {
  messageText: 40_000,
  blocks: 50,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  headerText: 150,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2_000,
  buttonActionId: 255,
  buttonUrl: 3_000,
} as const;

/** Why Slack refuses a message: its error code and the messages it adds. */
export interface SlackRefusal {
  error: 'msg_too_long' | 'invalid_blocks';
  messages: string[];
}

type Json = Record<string, unknown>;
const textOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && typeof (value as Json).text === 'string'
    ? ((value as Json).text as string)
    : undefined;

function tooLong(out: string[], value: string | undefined, max: number, pointer: string): void {
  if (value !== undefined && value.length > max) {
    out.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}]`);
  }
}

function tooMany(out: string[], items: unknown, max: number, pointer: string): void {
  if (Array.isArray(items) && items.length > max) {
    out.push(`[ERROR] must provide no more than ${max} items [json-pointer:${pointer}]`);
  }
}

function checkButton(out: string[], element: Json, pointer: string): void {
  tooLong(out, textOf(element.text), SLACK_LIMITS.buttonText, `${pointer}/text/text`);
  for (const [field, max] of [
    ['value', SLACK_LIMITS.buttonValue],
    ['action_id', SLACK_LIMITS.buttonActionId],
    ['url', SLACK_LIMITS.buttonUrl],
  ] as const) {
    const v = element[field];
    tooLong(out, typeof v === 'string' ? v : undefined, max, `${pointer}/${field}`);
  }
}

function checkBlock(out: string[], block: Json, pointer: string): void {
  switch (block.type) {
    case 'section': {
      tooLong(out, textOf(block.text), SLACK_LIMITS.sectionText, `${pointer}/text/text`);
      tooMany(out, block.fields, SLACK_LIMITS.sectionFields, `${pointer}/fields`);
      (Array.isArray(block.fields) ? block.fields : []).forEach((f, i) => {
        tooLong(out, textOf(f), SLACK_LIMITS.fieldText, `${pointer}/fields/${i}/text`);
      });
      const accessory = block.accessory as Json | undefined;
      if (accessory?.type === 'button') checkButton(out, accessory, `${pointer}/accessory`);
      return;
    }
    case 'header':
      tooLong(out, textOf(block.text), SLACK_LIMITS.headerText, `${pointer}/text/text`);
      return;
    case 'actions':
      tooMany(out, block.elements, SLACK_LIMITS.actionsElements, `${pointer}/elements`);
      (Array.isArray(block.elements) ? (block.elements as Json[]) : []).forEach((e, i) => {
        if (e.type === 'button') checkButton(out, e, `${pointer}/elements/${i}`);
      });
      return;
    case 'context':
      tooMany(out, block.elements, SLACK_LIMITS.contextElements, `${pointer}/elements`);
      return;
    default:
      return;
  }
}

/** Checks a message body as Slack would; undefined when Slack accepts it. */
export function slackRefusal(body: Json): SlackRefusal | undefined {
  if (typeof body.text === 'string' && body.text.length > SLACK_LIMITS.messageText) {
    return { error: 'msg_too_long', messages: [] };
  }
  if (!Array.isArray(body.blocks)) return undefined;
  const messages: string[] = [];
  tooMany(messages, body.blocks, SLACK_LIMITS.blocks, '/blocks');
  (body.blocks as unknown[]).forEach((block, i) => {
    if (typeof block === 'object' && block !== null) checkBlock(messages, block as Json, `/blocks/${i}`);
  });
  return messages.length > 0 ? { error: 'invalid_blocks', messages } : undefined;
}
