import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../../local/slack/limits.js';
import { SlackStandIn } from '../../../local/slack/stand-in.js';

const TOKEN = 'xoxb-limits';
let slack: SlackStandIn;

beforeAll(async () => {
  // A minute passes between requests: the per-channel rate limit never answers instead of the limit under test.
  let now = Date.parse('2027-01-01T00:00:00Z');
  slack = new SlackStandIn({ botToken: TOKEN, signingSecret: 'unused', now: () => (now += 60_000), channels: ['#c'] });
  await slack.start();
});

afterAll(async () => {
  await slack.stop();
});

async function post(body: Record<string, unknown>): Promise<{ ok: boolean; error?: string }> {
  const response = await fetch(`${slack.url}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ channel: '#c', ...body }),
  });
  return (await response.json()) as { ok: boolean; error?: string };
}

const x = (n: number) => 'x'.repeat(n);
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (fields: Record<string, unknown>) => ({
  type: 'button',
  text: { type: 'plain_text', text: 'Approve' },
  action_id: 'approve',
  value: 'v',
  ...fields,
});

/** Each limit: a message exactly at it (accepted) and one just over it (refused with Slack's error). */
const CASES: [string, (n: number) => Record<string, unknown>, number, string][] = [
  ['message text', (n) => ({ text: x(n) }), SLACK_LIMITS.messageText, 'msg_too_long'],
  [
    'blocks per message',
    (n) => ({ text: 't', blocks: Array.from({ length: n }, () => section('s')) }),
    SLACK_LIMITS.blocks,
    'invalid_blocks',
  ],
  ['section text', (n) => ({ text: 't', blocks: [section(x(n))] }), SLACK_LIMITS.sectionText, 'invalid_blocks'],
  [
    'section fields',
    (n) => ({
      text: 't',
      blocks: [{ type: 'section', fields: Array.from({ length: n }, () => ({ type: 'mrkdwn', text: 'f' })) }],
    }),
    SLACK_LIMITS.sectionFields,
    'invalid_blocks',
  ],
  [
    'a section field',
    (n) => ({ text: 't', blocks: [{ type: 'section', fields: [{ type: 'mrkdwn', text: x(n) }] }] }),
    SLACK_LIMITS.fieldText,
    'invalid_blocks',
  ],
  [
    'header text',
    (n) => ({ text: 't', blocks: [{ type: 'header', text: { type: 'plain_text', text: x(n) } }] }),
    SLACK_LIMITS.headerText,
    'invalid_blocks',
  ],
  [
    'elements of an actions block',
    (n) => ({
      text: 't',
      blocks: [{ type: 'actions', elements: Array.from({ length: n }, (_, i) => button({ action_id: `a${i}` })) }],
    }),
    SLACK_LIMITS.actionsElements,
    'invalid_blocks',
  ],
  [
    'elements of a context block',
    (n) => ({
      text: 't',
      blocks: [{ type: 'context', elements: Array.from({ length: n }, () => ({ type: 'mrkdwn', text: 'c' })) }],
    }),
    SLACK_LIMITS.contextElements,
    'invalid_blocks',
  ],
  [
    'button text',
    (n) => ({
      text: 't',
      blocks: [{ type: 'actions', elements: [button({ text: { type: 'plain_text', text: x(n) } })] }],
    }),
    SLACK_LIMITS.buttonText,
    'invalid_blocks',
  ],
  [
    'button value',
    (n) => ({ text: 't', blocks: [{ type: 'actions', elements: [button({ value: x(n) })] }] }),
    SLACK_LIMITS.buttonValue,
    'invalid_blocks',
  ],
  [
    'button action_id',
    (n) => ({ text: 't', blocks: [{ type: 'actions', elements: [button({ action_id: x(n) })] }] }),
    SLACK_LIMITS.buttonActionId,
    'invalid_blocks',
  ],
  [
    'button url (a section accessory)',
    (n) => ({ text: 't', blocks: [{ ...section('s'), accessory: button({ url: `https://e.x/${x(n - 12)}` }) }] }),
    SLACK_LIMITS.buttonUrl,
    'invalid_blocks',
  ],
];

describe('the Slack stand-in refuses what Slack refuses', () => {
  for (const [what, body, limit, error] of CASES) {
    it(`${what}: ${limit} accepted, ${limit + 1} refused with ${error}`, async () => {
      expect(await post(body(limit))).toMatchObject({ ok: true });
      expect(await post(body(limit + 1))).toEqual(expect.objectContaining({ ok: false, error }));
    });
  }

  it('names where a block breaks a limit, as Slack does, and keeps nothing of a refused message', async () => {
    const before = slack.messages().length;
    const answer = (await post({ text: 't', blocks: [section('ok'), section(x(3001))] })) as {
      response_metadata?: { messages: string[] };
    };

    expect(answer.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text]',
    ]);
    expect(slack.messages()).toHaveLength(before);
  });
});
