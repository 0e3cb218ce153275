import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { waitingPosts } from '../../aws/notifications/sink-backlog.js';
import { configureSlack } from '../../aws/notifications/slack.js';
import { recordApprovalRequest } from '../../aws/promotion/promotion-approvals.js';
import { announcement } from '../../core/notifications/announce.js';
import type { Notification } from '../../events/notification.js';
import { handler } from '../../functions/slack-notify.js';
import exampleCatalog from '../../goldsmith.config.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import { type SlackOutageAnswer, SlackStandIn } from '../../local/slack/stand-in.js';
import { localLedgerClient, recreateLedgerTable } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';

const BOT_TOKEN = 'xoxb-test-token';
const context = {
  functionName: 'slack-notify',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as Context;
const secrets = mockClient(SecretsManagerClient);

let dynamo: LocalDynamo;
let slack: SlackStandIn;
/** What Slack answers now: undefined while it is up. `once` answers are given first, one request each. */
let down: SlackOutageAnswer | undefined;
let once: SlackOutageAnswer[] = [];
let slept: number[] = [];

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  slack = new SlackStandIn({
    botToken: BOT_TOKEN,
    signingSecret: 'unused',
    now: () => Date.now(),
    channels: ['#golden-images'],
    hooks: { outage: () => once.shift() ?? down },
  });
  await slack.start();
});

afterAll(async () => {
  configureClients({});
  configureSlack({});
  await slack?.stop();
  await dynamo?.stop();
});

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  // The catalog the function bundles: an approval request names the routes it configures.
  process.env.GOLDSMITH_CATALOG = JSON.stringify(exampleCatalog);
  process.env.SLACK_SECRET_NAME = 'goldsmith/slack';
  process.env.SLACK_CHANNEL = '#golden-images';
  secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ botToken: BOT_TOKEN, signingSecret: 's' }) });
  down = undefined;
  once = [];
  slept = [];
  configureSlack({ baseUrl: slack.url, sleep: async (ms) => void slept.push(ms) });
  const ddb = localLedgerClient(dynamo.endpoint);
  await recreateLedgerTable(ddb);
});

/** A build's story, as its steps announce it, a second apart: each version gets its own thread. */
function story(version: string): Notification[] {
  const at = (s: number) => new Date(Date.UTC(2027, 0, 14, 5, 0, s)).toISOString();
  const subject = { image: 'base', version };
  const amis = [{ region: 'us-east-1', imageId: 'ami-0a1b2c3d4e5f60001' }];
  return [
    announcement('image-available', subject, { amis }, { at: at(0) }),
    announcement(
      'gate-passed',
      { ...subject, channel: 'dev' },
      { findings: { critical: 0, high: 0, medium: 0 } },
      {
        at: at(1),
      },
    ),
    announcement('promoted', { ...subject, channel: 'dev' }, { amis, pointer: '/goldsmith/base/dev' }, { at: at(2) }),
  ];
}

/** A message's text without its status mark (`:rocket: base 1.0.0/1: promoted to dev` → the title). */
const titleOf = (text: string) => text.replace(/^:[a-z_]+: /, '');
const snsEvent = (n: Notification) => ({ Records: [{ Sns: { MessageId: n.id, Message: JSON.stringify(n) } }] });
const deliver = (n: Notification) => handler(snsEvent(n), context) as Promise<{ actions: string[] }>;
const redeliver = () =>
  handler({ slack: 'redeliver' }, context) as Promise<{ backlog: { delivered: number; waiting: number } }>;
async function waiting(): Promise<number> {
  let n = 0;
  for await (const _post of waitingPosts('SLACK')) n++;
  return n;
}

describe('the Slack function when Slack fails', () => {
  it('posts a version’s story in one thread when Slack is up', async () => {
    for (const n of story('1.0.0/1')) expect((await deliver(n)).actions).toEqual(['posted']);

    const [root, ...replies] = slack.messages().filter((m) => m.text.includes('1.0.0/1'));
    expect(root?.threadTs).toBeUndefined();
    expect(replies.map((r) => r.threadTs)).toEqual([root?.ts, root?.ts]);
  });

  it('parks what Slack refuses during an outage instead of failing, then posts it in order, in its thread', async () => {
    down = { status: 503 };
    const refused = story('1.0.0/2');
    for (const n of refused) expect((await deliver(n)).actions).toEqual(['deferred']);
    expect(await waiting()).toBe(3);
    expect(slack.messages().some((m) => m.text.includes('1.0.0/2'))).toBe(false);

    down = undefined;
    expect((await redeliver()).backlog).toEqual({ delivered: 3, waiting: 0 });

    const posted = slack.messages().filter((m) => m.text.includes('1.0.0/2'));
    expect(posted.map((m) => titleOf(m.text))).toEqual(refused.map((n) => n.title));
    expect(posted.slice(1).every((m) => m.threadTs === posted[0]?.ts)).toBe(true);
  });

  it('queues a new post behind what still waits, so a thread never reads out of order', async () => {
    const [first, second, third] = story('1.0.0/3') as [Notification, Notification, Notification];
    down = { status: 500 };
    await deliver(first);
    down = undefined;

    expect((await deliver(second)).actions).toEqual(['deferred']);
    await deliver(third);

    const posted = slack.messages().filter((m) => m.text.includes('1.0.0/3'));
    expect(posted.map((m) => titleOf(m.text))).toEqual([first.title, second.title, third.title]);
    expect(await waiting()).toBe(0);
  });

  it('honours a 429’s Retry-After: waits a short one in the call, parks a long one until it has passed', async () => {
    const [first, second] = story('1.0.0/4') as [Notification, Notification];
    once = [{ status: 429, retryAfterSeconds: 3 }];
    expect((await deliver(first)).actions).toEqual(['posted']);
    expect(slept).toEqual([3000]);

    down = { status: 429, retryAfterSeconds: 600 };
    expect((await deliver(second)).actions).toEqual(['deferred']);
    const parked = [];
    for await (const post of waitingPosts('SLACK')) parked.push(post);
    expect(Date.parse(parked[0]?.notBefore ?? '') - Date.now()).toBeGreaterThan(590_000);
    expect(slept).toEqual([3000]);

    down = undefined;
    expect((await redeliver()).backlog).toEqual({ delivered: 0, waiting: 1 });
  });

  it('posts a re-delivered announcement once, whether it was posted or parked the first time', async () => {
    const [n] = story('1.0.0/5') as [Notification];
    down = { status: 503 };
    await deliver(n);
    expect((await deliver(n)).actions).toEqual(['duplicate']);
    down = undefined;
    await redeliver();
    expect((await deliver(n)).actions).toEqual(['duplicate']);

    expect(slack.messages().filter((m) => titleOf(m.text) === n.title)).toHaveLength(1);
  });
});

describe('the Slack function shows only what the ledger holds of an approval', () => {
  const subject = { image: 'base', version: '1.0.0/9', channel: 'prod' };
  const pending = async () =>
    recordApprovalRequest({
      ...subject,
      approvalId: 'a-9',
      taskToken: 'token',
      approvers: ['ops-lead'],
      requestedAt: '2027-01-18T03:52:00.000Z',
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
  const forgedRequest = (approvalId: string) => ({
    ...announcement(
      'approval-requested',
      subject,
      { approvalId, approvers: ['mallory'], expiresAt: '2099-01-01T00:00:00.000Z' },
      { at: '2027-01-18T03:52:00.000Z', key: approvalId },
    ),
    title: 'URGENT: approve base 1.0.0/9 now, see https://attacker.example',
  });

  it('posts no request, and no buttons, for an approval the ledger does not hold', async () => {
    expect((await deliver(forgedRequest('a-forged'))).actions).toEqual(['refused']);
    expect(slack.approvalMessage('a-forged')).toBeUndefined();
    expect(slack.messages().filter((m) => m.text.includes('1.0.0/9'))).toEqual([]);
  });

  it("renders a pending request from the ledger: the sender's text is not shown, the buttons are the ledger's", async () => {
    await pending();
    expect((await deliver(forgedRequest('a-9'))).actions).toEqual(['posted']);
    const message = slack.approvalMessage('a-9');
    expect(message).toBeDefined();
    expect(JSON.stringify(message)).not.toContain('attacker.example');
    expect(JSON.stringify(message)).not.toContain('mallory');
    expect(JSON.stringify(message)).toContain('ops-lead');
  });

  it('reads the approval once to post a request, and again when one that waited is posted', async () => {
    await pending();
    const send = vi.spyOn(documentClient(), 'send');
    const approvalReads = () =>
      send.mock.calls.filter(([c]) => c instanceof GetCommand && String(c.input.Key?.sk).startsWith('APPROVAL#'))
        .length;
    expect((await deliver(forgedRequest('a-9'))).actions).toEqual(['posted']);
    expect(approvalReads()).toBe(1);

    down = { status: 503 };
    await recordApprovalRequest({
      ...subject,
      version: '1.0.0/10',
      approvalId: 'a-10',
      taskToken: 'token',
      approvers: ['ops-lead'],
      requestedAt: '2027-01-18T03:52:00.000Z',
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
    const request = { ...forgedRequest('a-10'), version: '1.0.0/10' };
    send.mockClear();
    expect((await deliver(request)).actions).toEqual(['deferred']);
    down = undefined;
    expect((await redeliver()).backlog).toEqual({ delivered: 1, waiting: 0 });
    // Vetted when it arrived (once, for the refused first attempt too), then again when the redelivery takes it from
    // the backlog (the ledger may have moved meanwhile); the run that parked it does not try it again.
    expect(approvalReads()).toBe(2);
    expect(slack.approvalMessage('a-10')).toBeDefined();
    send.mockRestore();
  });

  it('never shows a request approved while the ledger holds it undecided', async () => {
    await pending();
    await deliver(forgedRequest('a-9'));
    const approved = announcement(
      'approved',
      subject,
      { approvalId: 'a-9', by: 'ops-lead', via: 'slack' },
      {
        at: '2027-01-18T04:00:00.000Z',
      },
    );
    expect((await deliver(approved)).actions).toEqual(['refused']);
    // The buttons are still live: the request still waits for its approvers.
    expect(slack.approvalMessage('a-9')).toBeDefined();
    expect(slack.messages().some((m) => m.text.includes('Approved'))).toBe(false);
  });

  it('does not let a message sent first under a later announcement id silence the real one', async () => {
    const [real] = story('1.0.0/8') as [Notification];
    const squatter = { ...real, summary: 'Nothing to see here.' };
    expect((await deliver(squatter)).actions).toEqual(['posted']);
    expect((await deliver(real)).actions).toEqual(['posted']);
    expect(slack.messages().some((m) => JSON.stringify(m.blocks).includes(real.summary))).toBe(true);
  });
});
