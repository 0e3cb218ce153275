import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureSinkHttp, MAX_RETRY_AFTER_SECONDS, retryAfterOf } from '../../aws/notifications/http-post.js';
import { forgetSinkClients } from '../../aws/notifications/sink-clients.js';
import { postRecordOf } from '../../aws/notifications/sink-ledger.js';
import { recordApprovalRequest } from '../../aws/promotion/promotion-approvals.js';
import { announcement } from '../../core/notifications/announce.js';
import { postKeyOf } from '../../core/notifications/post-key.js';
import { renderTeams } from '../../core/notifications/teams.js';
import { summariseDiff } from '../../core/sbom/approval-summary.js';
import type { Notification } from '../../events/notification.js';
import { handler } from '../../functions/sinks/teams-notify.js';
import exampleCatalog from '../../goldsmith.config.js';
import type { OutageAnswer } from '../../local/sinks/http-stand-in.js';
import { TeamsStandIn } from '../../local/sinks/teams-stand-in.js';
import { PATCH_DIFF, PATCH_DIGEST } from '../fixtures/sbom-changes.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { type LoopbackServer, loopbackServer, sinkContext, snsEvent, waitingIn } from './sink-fixtures.js';

const context = sinkContext('teams-notify');
const secrets = mockClient(SecretsManagerClient);

const dynamo = useLocalDynamo();
let teams: TeamsStandIn;
/** What Teams answers now: undefined while it is up. */
let down: OutageAnswer | undefined;
/** The stand-in's clock, moved on by the client's waits (a 429's Retry-After). */
let clock = 0;
let slept: number[] = [];

let servers: LoopbackServer[] = [];

afterAll(() => forgetSinkClients());
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.TEAMS_SECRET_NAME = 'goldsmith/teams';
  clock = Date.parse('2027-01-14T05:00:00Z');
  slept = [];
  down = undefined;
  teams = new TeamsStandIn({ now: () => clock, hooks: { outage: () => down } });
  forgetSinkClients();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhookUrl: teams.url }) });
  configureSinkHttp('teams', {
    fetch: teams.fetch,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
  });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
});

/** A version's story, a second apart. */
function story(version: string, count = 3): Notification[] {
  const at = (s: number) => new Date(Date.UTC(2027, 0, 14, 5, 0, s)).toISOString();
  const amis = [{ region: 'us-east-1', imageId: 'ami-0a1b2c3d4e5f60001' }];
  return Array.from({ length: count }, (_, i) =>
    announcement('image-available', { image: `img${i}`, version }, { amis }, { at: at(i) }),
  );
}

const deliver = (n: Notification) => handler(snsEvent(n), context) as Promise<{ actions: string[] }>;
const redeliver = () =>
  handler({ teams: 'redeliver' }, context) as Promise<{ backlog: { delivered: number; waiting: number } }>;
const waiting = async () => (await waitingIn('TEAMS')).length;

describe('the Teams function', () => {
  it('shows an approval request from the ledger, naming only the routes the catalog configures: no Slack buttons', async () => {
    const { slack: _slack, ...notifications } = exampleCatalog.notifications ?? {};
    process.env.GOLDSMITH_CATALOG = JSON.stringify({ ...exampleCatalog, notifications });
    const subject = { image: 'base', version: '1.0.0/9', channel: 'prod' };
    await recordApprovalRequest({
      ...subject,
      approvalId: 'a-9',
      taskToken: 'token',
      approvers: ['ops-lead'],
      requestedAt: '2027-01-18T03:52:00.000Z',
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
    const request = announcement(
      'approval-requested',
      subject,
      { approvalId: 'a-9', approvers: ['ops-lead'], expiresAt: '2099-01-01T00:00:00.000Z' },
      { at: '2027-01-18T03:52:00.000Z', key: 'a-9' },
    );

    expect((await deliver(request)).actions).toEqual(['posted']);
    const card = JSON.stringify(teams.cards[0]?.card);
    expect(card).toContain('open the approve/reject link sent to you alone, or run');
    expect(card).not.toContain('Slack');
  });

  it('shows an approval request from the ledger with what its version changes, as the request showed it', async () => {
    process.env.GOLDSMITH_CATALOG = JSON.stringify(exampleCatalog);
    const subject = { image: 'base', version: '1.0.0/3', channel: 'prod' };
    const changes = summariseDiff(PATCH_DIFF, PATCH_DIGEST, 'prod');
    await recordApprovalRequest({
      ...subject,
      approvalId: 'a-3',
      taskToken: 'token',
      approvers: ['ops-lead'],
      requestedAt: '2027-01-18T03:52:00.000Z',
      expiresAt: '2099-01-01T00:00:00.000Z',
      changes,
    });
    const request = announcement(
      'approval-requested',
      subject,
      { approvalId: 'a-3', approvers: ['ops-lead'], expiresAt: '2099-01-01T00:00:00.000Z' },
      { at: '2027-01-18T03:52:00.000Z', key: 'a-3' },
    );

    expect((await deliver(request)).actions).toEqual(['posted']);
    const card = JSON.stringify(teams.cards[0]?.card);
    expect(card).toContain('fixed CVE-2026-0001 (critical)');
    expect(card).toContain('against 1.0.0/2');
  });

  it('posts each announcement once as a card Teams takes, however often SNS delivers it', async () => {
    const [n] = story('1.0.0/1', 1) as [Notification];

    expect((await deliver(n)).actions).toEqual(['posted']);
    expect((await deliver(n)).actions).toEqual(['duplicate']);

    expect(teams.cards.map((c) => c.id)).toEqual([n.id]);
    expect(teams.stats).toMatchObject({ accepted: 1, refused: 0, repeated: 0 });
  });

  it('records a card Teams answered 202 as accepted by the flow, never as posted: the flow posts it, or fails, afterwards', async () => {
    const [n] = story('1.0.0/7', 1) as [Notification];
    expect((await deliver(n)).actions).toEqual(['posted']);

    const record = await postRecordOf('TEAMS', postKeyOf(n));
    expect(record).toMatchObject({ status: 202, delivery: 'accepted by the flow (202), not confirmed posted' });
    expect(teams.runs).toEqual([expect.objectContaining({ id: n.id, status: 'Succeeded' })]);
  });

  it('answers as Workflows does: 202 for a card its flow then fails to post, which only the run history shows', async () => {
    const [n] = story('1.0.0/8', 1) as [Notification];
    const card = renderTeams(n);
    const oversized = JSON.stringify({
      ...card,
      attachments: [
        {
          ...card.attachments[0],
          content: {
            ...card.attachments[0].content,
            body: [...card.attachments[0].content.body, { type: 'TextBlock', text: 'x'.repeat(29 * 1024), wrap: true }],
          },
        },
      ],
    });

    const answer = await teams.fetch(teams.url, { method: 'POST', body: oversized });

    expect(answer.status).toBe(202);
    expect(teams.cards).toEqual([]);
    expect(teams.runs).toEqual([
      expect.objectContaining({ id: n.id, status: 'Failed', error: 'Request Entity too large' }),
    ]);
    expect(Date.parse(teams.runs[0]?.endedAt ?? '')).toBeGreaterThan(Date.parse(teams.runs[0]?.at ?? ''));
  });

  it('parks what Teams refuses during an outage, then posts it in order once Teams is back', async () => {
    down = { status: 503 };
    const refused = story('1.0.0/2');
    for (const n of refused) expect((await deliver(n)).actions).toEqual(['deferred']);
    expect(await waiting()).toBe(3);
    expect(teams.cards).toEqual([]);

    down = undefined;
    expect((await redeliver()).backlog).toEqual({ delivered: 3, waiting: 0 });
    expect(teams.cards.map((c) => c.id)).toEqual(refused.map((n) => n.id));
  });

  it("waits out Teams' four-a-second limit within the call: a burst of six is posted whole, one second later", async () => {
    const burst = story('1.0.0/3', 6);
    for (const n of burst) expect((await deliver(n)).actions).toEqual(['posted']);

    expect(teams.stats.rateLimited).toBeGreaterThan(0);
    expect(slept.every((ms) => ms === 1000)).toBe(true);
    expect(teams.cards.map((c) => c.id)).toEqual(burst.map((n) => n.id));
  });

  it('parks a post whose Retry-After is longer than a call waits, until it has passed', async () => {
    const [n] = story('1.0.0/4', 1) as [Notification];
    down = { status: 429, retryAfterSeconds: 900 };
    expect((await deliver(n)).actions).toEqual(['deferred']);
    const [parked] = await waitingIn('TEAMS');
    expect(Date.parse(parked?.notBefore ?? '') - Date.now()).toBeGreaterThan(890_000);

    down = undefined;
    expect((await redeliver()).backlog).toEqual({ delivered: 0, waiting: 1 });
    expect(teams.cards).toEqual([]);
  });

  it('honours a Retry-After of either form only up to an hour: a path asking for days parks the post for an hour, not days', async () => {
    const [far, dated] = story('1.0.0/6', 2) as [Notification, Notification];
    const hour = MAX_RETRY_AFTER_SECONDS * 1000;
    // delta-seconds: a year
    down = { status: 429, retryAfterSeconds: 365 * 86_400 };
    expect((await deliver(far)).actions).toEqual(['deferred']);
    const [parked] = await waitingIn('TEAMS');
    expect(Date.parse(parked?.notBefore ?? '') - Date.now()).toBeLessThanOrEqual(hour + 1000);
    expect(Date.parse(parked?.notBefore ?? '') - Date.now()).toBeGreaterThan(hour - 60_000);
    // HTTP-date (RFC 9110's IMF-fixdate), a year away; and one in the past means now
    const dateAnswer = (date: string) => new Response('', { status: 429, headers: { 'retry-after': date } });
    const now = Date.parse('2027-01-14T05:00:00Z');
    expect(retryAfterOf(dateAnswer('Fri, 14 Jan 2028 05:00:00 GMT'), now)).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(retryAfterOf(dateAnswer('Thu, 14 Jan 2027 05:01:30 GMT'), now)).toBe(90);
    expect(retryAfterOf(dateAnswer('Wed, 13 Jan 2027 05:00:00 GMT'), now)).toBe(0);
    expect(retryAfterOf(dateAnswer('120'), now)).toBe(120);
    expect(retryAfterOf(dateAnswer('soon'), now)).toBeUndefined();
    expect(dated.id).not.toBe(far.id);
  });

  it('follows no redirect: a 307 from the webhook URL is a refusal, the card waits, and the target never sees it', async () => {
    const target = await loopbackServer((_req, res) => res.writeHead(202).end());
    const moving = await loopbackServer((_req, res) =>
      res.writeHead(307, { location: `${target.url}/elsewhere` }).end(),
    );
    servers.push(target, moving);
    configureSinkHttp('teams', { fetch: (_url, init) => fetch(`${moving.url}/workflow`, init), sleep: async () => {} });
    const [n] = story('1.0.0/5', 1) as [Notification];

    expect((await deliver(n)).actions).toEqual(['deferred']);
    expect(moving.paths).toEqual(['/workflow']);
    expect(target.paths).toEqual([]);
    const [parked] = await waitingIn('TEAMS');
    expect(parked?.lastError).toContain('Teams: HTTP 307 (a redirect: not followed)');
  });
});
