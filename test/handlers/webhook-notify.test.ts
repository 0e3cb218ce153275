import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { configureSinkHttp } from '../../aws/notifications/http-post.js';
import { forgetSinkClients } from '../../aws/notifications/sink-clients.js';
import { announcement } from '../../core/notifications/announce.js';
import type { Notification } from '../../events/notification.js';
import { handler } from '../../functions/sinks/webhook-notify.js';
import { WebhookReceivers } from '../../local/sinks/webhook-receivers.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { sinkContext, snsEvent, waitingIn } from './sink-fixtures.js';

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

afterAll(() => forgetSinkClients());

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.WEBHOOKS = JSON.stringify(ENDPOINTS);
  down = new Set();
  refusing = new Set();
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
  configureSinkHttp('webhooks', {
    // An endpoint that is down answers 503 before its receiver sees the request.
    fetch: async (url, init) =>
      down.has(String(url))
        ? new Response('down', { status: 503 })
        : refusing.has(String(url))
          ? new Response('bad request', { status: 400 })
          : receivers.fetch(url, init),
    sleep: async () => {},
  });
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
async function documentedCheck(): Promise<
  (secret: string, headers: Record<string, string>, body: string, now?: number) => boolean
> {
  const doc = readFileSync(join(ROOT, 'docs/notifications-sinks.md'), 'utf8');
  const snippet = /### Verifying a delivery[\s\S]*?```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!snippet) throw new Error('docs/notifications-sinks.md has no js snippet under "Verifying a delivery"');
  const dir = mkdtempSync(join(tmpdir(), 'webhook-snippet-'));
  try {
    writeFileSync(join(dir, 'verify.mjs'), snippet);
    const module = (await import(pathToFileURL(join(dir, 'verify.mjs')).href)) as {
      verifyGoldsmith: (secret: string, headers: Record<string, string>, body: string, now?: number) => boolean;
    };
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

  it('passes the verification snippet of docs/notifications-sinks.md, which refuses a changed body, a wrong key or a replay', async () => {
    await deliver(promoted('1.0.0/2'));
    const verify = await documentedCheck();
    const [w] = receivers.receiver('change-board').received;
    if (!w) throw new Error('no delivery');
    const headers = { 'x-goldsmith-timestamp': w.timestamp, 'x-goldsmith-signature': w.signature };
    const sent = Number(w.timestamp);

    expect(verify(KEYS['change-board'], headers, w.body, sent + 10)).toBe(true);
    expect(verify(KEYS['change-board'], headers, w.body.replace('prod', 'dev'), sent + 10)).toBe(false);
    expect(verify(KEYS['audit-log'], headers, w.body, sent + 10)).toBe(false);
    expect(verify(KEYS['change-board'], headers, w.body, sent + 301)).toBe(false);
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
