import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureSinkHttp, type SinkHttpSettings } from '../../aws/notifications/http-post.js';
import { forgetSinkClients } from '../../aws/notifications/sink-clients.js';
import { MalformedEventError } from '../../core/errors.js';
import { announcement } from '../../core/notifications/announce.js';
import { signWebhook, verifyWebhook } from '../../core/notifications/webhook.js';
import type { Notification } from '../../events/notification.js';
import { handler } from '../../functions/sinks/webhook-notify.js';
import { WebhookReceivers } from '../../local/sinks/webhook-receivers.js';
import { CLOUDWATCH_ALARM_MESSAGE } from '../fixtures/notifications.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { type LoopbackServer, loopbackServer, sinkContext, snsEvent, waitingIn } from './sink-fixtures.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const context = sinkContext('webhook-notify');
const secrets = mockClient(SecretsManagerClient);
const KEYS = { 'change-board': 'c'.repeat(64), 'audit-log': 'a'.repeat(64) };
const ENDPOINTS = [
  { name: 'change-board', url: 'https://hooks.example.com/goldsmith', secretName: 'goldsmith/webhooks/change-board' },
  { name: 'audit-log', url: 'https://audit.example.org/in', secretName: 'goldsmith/webhooks/audit-log' },
];

const dynamo = useLocalDynamo();
let receivers: WebhookReceivers;
/** The endpoints that are down now (answering 503). */
let down = new Set<string>();
/** The endpoints that refuse every request as malformed (answering 400). */
let refusing = new Set<string>();
/** Endpoints whose requests go to a real server on the loopback interface (by URL), instead of their receiver. */
let routed = new Map<string, string>();
let servers: LoopbackServer[] = [];

afterAll(() => forgetSinkClients());
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

/** Sends the webhooks' requests as configured above, with `settings` on top. */
function useHttp(settings: SinkHttpSettings = {}): void {
  configureSinkHttp('webhooks', {
    // An endpoint that is down answers 503 before its receiver sees the request.
    fetch: async (url, init) => {
      const real = routed.get(String(url));
      if (real) return fetch(real, init);
      return down.has(String(url))
        ? new Response('down', { status: 503 })
        : refusing.has(String(url))
          ? new Response('bad request', { status: 400 })
          : receivers.fetch(url, init);
    },
    sleep: async () => {},
    ...settings,
  });
}

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.WEBHOOKS = JSON.stringify(ENDPOINTS);
  down = new Set();
  refusing = new Set();
  routed = new Map();
  forgetSinkClients();
  receivers = new WebhookReceivers(
    ENDPOINTS.map((e) => ({ name: e.name, url: e.url, secret: KEYS[e.name as keyof typeof KEYS] })),
    { now: () => Date.now() },
  );
  for (const e of ENDPOINTS) {
    const signingSecret = KEYS[e.name as keyof typeof KEYS];
    secrets
      .on(GetSecretValueCommand, { SecretId: e.secretName })
      .resolves({ SecretString: JSON.stringify({ signingSecret }) });
  }
  useHttp();
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
});

const at = (s: number) => new Date(Date.UTC(2027, 0, 14, 5, 0, s)).toISOString();
const promoted = (version: string, s = 0): Notification =>
  announcement(
    'promoted',
    { image: 'base', version, channel: 'prod' },
    { amis: [{ region: 'us-east-1', imageId: 'ami-0a1b2c3d4e5f60001' }], pointer: '/goldsmith/base/prod' },
    { at: at(s) },
  );
const deliver = (n: Notification) => handler(snsEvent(n), context) as Promise<{ actions: string[] }>;
const redeliver = () =>
  handler({ webhooks: 'redeliver' }, context) as Promise<{ backlog: { delivered: number; waiting: number } }>;

/** The verification snippet of docs/notifications-sinks.md, as a module of its own (removed after use). */
type Check = (secret: string, endpoint: string, headers: Record<string, string>, body: string, now?: number) => boolean;

async function documentedCheck(): Promise<Check> {
  const doc = readFileSync(join(ROOT, 'docs/notifications-sinks.md'), 'utf8');
  const snippet = /### Verifying a delivery[\s\S]*?```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!snippet) throw new Error('docs/notifications-sinks.md has no js snippet under "Verifying a delivery"');
  const dir = mkdtempSync(join(tmpdir(), 'webhook-snippet-'));
  try {
    writeFileSync(join(dir, 'verify.mjs'), snippet);
    const module = (await import(pathToFileURL(join(dir, 'verify.mjs')).href)) as { verifyGoldsmith: Check };
    return module.verifyGoldsmith;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the signed webhooks', () => {
  it('delivers each announcement once to every endpoint, signed, as JSON with its facts', async () => {
    const n = promoted('1.0.0/1');

    expect((await deliver(n)).actions).toEqual(['posted', 'posted']);
    expect((await deliver(n)).actions).toEqual(['duplicate', 'duplicate']);

    for (const r of receivers.receivers) {
      expect(r.received.map((w) => w.delivery)).toEqual([`${r.name}:${n.id}`]);
      expect(r.stats).toMatchObject({ accepted: 1, refused: 0 });
      const body = JSON.parse(r.received[0]?.body ?? '{}');
      expect(body).toMatchObject({ type: 'goldsmith.announcement', announcement: { id: n.id, event: 'promoted' } });
      expect(body.facts).toContainEqual({ label: 'Pointer', value: '/goldsmith/base/prod' });
    }
  });

  it("shows one of Goldsmith's CloudWatch alarms, whose action publishes CloudWatch's own message to the topic, once: never a dead letter", async () => {
    const alarm = { Records: [{ Sns: { MessageId: 'm-1', Message: JSON.stringify(CLOUDWATCH_ALARM_MESSAGE) } }] };
    const run = () => handler(alarm, context) as Promise<{ actions: string[] }>;

    expect((await run()).actions).toEqual(['posted', 'posted']);
    expect((await run()).actions).toEqual(['duplicate', 'duplicate']);
    const body = JSON.parse(receivers.receivers[0]?.received[0]?.body ?? '{}');
    expect(body.announcement).toMatchObject({
      event: 'alarm-state-changed',
      severity: 'critical',
      title: 'Alarm prod-goldsmith-Monitoring-DriftFoundAlarm: in ALARM',
      detail: { state: 'ALARM', previousState: 'OK', changedAt: '2027-01-14T05:00:00.000Z' },
    });
    expect(body.facts).toContainEqual({ label: 'State', value: 'OK → ALARM' });
    // A message that is neither an announcement nor an alarm's is still refused, naming both.
    const neither = { Records: [{ Sns: { MessageId: 'm-2', Message: JSON.stringify({ AlarmName: 'x' }) } }] };
    await expect(handler(neither, context)).rejects.toThrow(MalformedEventError);
  });

  it('passes the verification snippet of docs/notifications-sinks.md, which refuses a changed body, a wrong key, a replay, another endpoint or delivery id, a re-written timestamp, and a multi-byte signature', async () => {
    await deliver(promoted('1.0.0/2'));
    const verify = await documentedCheck();
    const [w] = receivers.receiver('change-board').received;
    if (!w) throw new Error('no delivery');
    const headers = {
      'x-goldsmith-timestamp': w.timestamp,
      'x-goldsmith-signature': w.signature,
      'x-goldsmith-delivery': w.delivery,
    };
    const sent = Number(w.timestamp);
    const key = KEYS['change-board'];

    expect(verify(key, 'change-board', headers, w.body, sent + 10)).toBe(true);
    expect(verify(key, 'change-board', headers, w.body.replace('prod', 'dev'), sent + 10)).toBe(false);
    expect(verify(KEYS['audit-log'], 'change-board', headers, w.body, sent + 10)).toBe(false);
    expect(verify(key, 'change-board', headers, w.body, sent + 301)).toBe(false);
    expect(verify(key, 'audit-log', headers, w.body, sent + 10)).toBe(false);
    expect(
      verify(key, 'change-board', { ...headers, 'x-goldsmith-delivery': 'change-board:other' }, w.body, sent + 10),
    ).toBe(false);
    // The same instant written another way, signed as written: refused by the snippet and by the local receivers' check.
    const hex = `0x${sent.toString(16)}`;
    const hexSigned = signWebhook(key, { timestamp: hex, delivery: w.delivery, endpoint: 'change-board' }, w.body);
    const rewritten = { ...headers, 'x-goldsmith-timestamp': hex, 'x-goldsmith-signature': hexSigned };
    expect(verify(key, 'change-board', rewritten, w.body, sent + 10)).toBe(false);
    const checked = { timestamp: hex, signature: hexSigned, delivery: w.delivery };
    expect(verifyWebhook(key, 'change-board', checked, w.body, sent + 10)).toBe(false);
    // As many characters as a real signature, more bytes: refused, not thrown.
    const wide = { ...headers, 'x-goldsmith-signature': `v1=${'é'.repeat(64)}` };
    expect(() => verify(key, 'change-board', wide, w.body, sent + 10)).not.toThrow();
    expect(verify(key, 'change-board', wide, w.body, sent + 10)).toBe(false);
  });

  it('signs for one endpoint only: a delivery replayed to another endpoint with the same key is refused', async () => {
    receivers.receiver('audit-log').secret = KEYS['change-board'];
    await deliver(promoted('1.0.0/8'));
    const [w] = receivers.receiver('change-board').received;
    if (!w) throw new Error('no delivery');
    const replay = await receivers.fetch(ENDPOINTS[1]?.url ?? '', {
      method: 'POST',
      headers: {
        'x-goldsmith-timestamp': w.timestamp,
        'x-goldsmith-signature': w.signature,
        'x-goldsmith-delivery': w.delivery,
      },
      body: w.body,
    });

    expect(replay.status).toBe(401);
    expect(receivers.receiver('audit-log').received.map((r) => r.delivery)).not.toContain(w.delivery);
  });

  it('posts to the endpoints after one that never answers in the same run, and parks the hanging one for the next run', async () => {
    const hanging = await loopbackServer(() => {});
    servers.push(hanging);
    routed.set(ENDPOINTS[0]?.url ?? '', `${hanging.url}/goldsmith`);
    useHttp({ attemptTimeoutMs: 200, maxAttempts: 1 });
    const n = promoted('1.0.0/9');

    expect((await deliver(n)).actions).toEqual(['deferred', 'posted']);
    expect(receivers.receiver('audit-log').received.map((w) => w.id)).toEqual([n.id]);
    expect(await waitingIn('WEBHOOK#change-board')).toHaveLength(1);
    // Tried once in that run: the run does not drain a post it has just parked.
    expect(hanging.paths).toEqual(['/goldsmith']);

    routed.clear();
    expect((await redeliver()).backlog).toEqual({ delivered: 1, waiting: 0 });
    expect(receivers.receiver('change-board').received.map((w) => w.id)).toEqual([n.id]);
  });

  it('parks every post a run has no time left to start, and delivers them on the next run', async () => {
    const n = promoted('1.0.0/10');
    const late = { ...context, getRemainingTimeInMillis: () => 20_000 };

    expect(((await handler(snsEvent(n), late)) as { actions: string[] }).actions).toEqual(['deferred', 'deferred']);
    for (const r of receivers.receivers) expect(r.received).toEqual([]);

    expect((await redeliver()).backlog).toEqual({ delivered: 2, waiting: 0 });
    for (const r of receivers.receivers) expect(r.received.map((w) => w.id)).toEqual([n.id]);
  });

  it('follows no redirect: a 307 is a refusal, the post waits, and the redirect target never sees the signed body', async () => {
    const target = await loopbackServer((_req, res) => res.writeHead(204).end());
    const moving = await loopbackServer((_req, res) =>
      res.writeHead(307, { location: `${target.url}/elsewhere` }).end(),
    );
    servers.push(target, moving);
    routed.set(ENDPOINTS[1]?.url ?? '', `${moving.url}/in`);
    const n = promoted('1.0.0/11');

    expect((await deliver(n)).actions).toEqual(['posted', 'deferred']);
    expect(moving.paths).toEqual(['/in']);
    expect(target.paths).toEqual([]);
    const [parked] = await waitingIn('WEBHOOK#audit-log');
    expect(parked?.lastError).toContain('HTTP 307 (a redirect: not followed)');
  });

  it('holds up only the endpoint that is down: its posts wait in its own backlog and go, in order, when it is back', async () => {
    down.add(ENDPOINTS[1]?.url ?? '');
    const first = promoted('1.0.0/3', 0);
    const second = promoted('1.0.0/4', 1);

    expect((await deliver(first)).actions).toEqual(['posted', 'deferred']);
    expect((await deliver(second)).actions).toEqual(['posted', 'deferred']);
    expect(await waitingIn('WEBHOOK#change-board')).toEqual([]);
    expect(await waitingIn('WEBHOOK#audit-log')).toHaveLength(2);

    down.clear();
    expect((await redeliver()).backlog).toEqual({ delivered: 2, waiting: 0 });
    expect(receivers.receiver('audit-log').received.map((w) => w.id)).toEqual([first.id, second.id]);
    expect(receivers.receiver('change-board').received.map((w) => w.id)).toEqual([first.id, second.id]);
  });

  it('parks, rather than loses, what an endpoint refuses as badly signed (its key rotated on one side only)', async () => {
    receivers.receiver('audit-log').secret = 'rotated-on-the-receiver-side-only-0000000000';
    const n = promoted('1.0.0/5');

    expect((await deliver(n)).actions).toEqual(['posted', 'deferred']);
    expect(receivers.receiver('audit-log').stats.refused).toBeGreaterThan(0);
    expect(receivers.receiver('audit-log').received).toEqual([]);
    expect(await waitingIn('WEBHOOK#audit-log')).toHaveLength(1);
  });

  it('records a post an endpoint refuses for good (HTTP 400) and goes on: it never holds up the posts behind it', async () => {
    refusing.add(ENDPOINTS[1]?.url ?? '');
    const refused = promoted('1.0.0/6', 0);
    expect((await deliver(refused)).actions).toEqual(['posted', 'refused']);
    expect(await waitingIn('WEBHOOK#audit-log')).toEqual([]);

    refusing.clear();
    const next = promoted('1.0.0/7', 1);
    expect((await deliver(next)).actions).toEqual(['posted', 'posted']);
    expect((await deliver(refused)).actions).toEqual(['duplicate', 'duplicate']);
    expect(receivers.receiver('audit-log').received.map((w) => w.id)).toEqual([next.id]);
  });
});
