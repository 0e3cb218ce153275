import { describe, expect, it } from 'vitest';
import { BURST } from '../../../local/slack/channels.js';
import { SlackStandIn, type SlackStandInHooks } from '../../../local/slack/stand-in.js';

const TOKEN = 'xoxb-in-process';
const START = Date.parse('2027-01-01T00:00:00Z');

interface Answer {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

/** A stand-in whose clock stands still (so the per-channel rate limit is reached) unless told otherwise. */
function standIn(hooks?: SlackStandInHooks): SlackStandIn {
  return new SlackStandIn({
    botToken: TOKEN,
    signingSecret: 's',
    now: () => START,
    channels: ['#c'],
    ...(hooks ? { hooks } : {}),
  });
}

async function ask(send: typeof fetch, url: string, body: unknown, token = TOKEN): Promise<Answer> {
  const response = await send(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** The same requests, in the same order, to a stand-in over HTTP and to another one in process. */
async function bothWays(requests: [string, unknown, string?][], hooks?: () => SlackStandInHooks) {
  const http = standIn(hooks?.());
  await http.start();
  const local = standIn(hooks?.());
  try {
    const overHttp: Answer[] = [];
    const inProcess: Answer[] = [];
    for (const [method, body, token] of requests) {
      overHttp.push(await ask(fetch, `${http.url}${method}`, body, token));
      inProcess.push(await ask(local.fetch, `${local.url}${method}`, body, token));
    }
    return { overHttp, inProcess, http, local };
  } finally {
    await http.stop();
  }
}

describe('the Slack stand-in answered in process', () => {
  it('answers posts, updates, threads and refusals exactly as over HTTP', async () => {
    const post = { channel: '#c', text: 'hello' };
    const { overHttp, inProcess, http, local } = await bothWays([
      ['chat.postMessage', post],
      ['chat.postMessage', { channel: '#c', text: 'reply', thread_ts: `${START / 1000}.000001` }],
      ['chat.update', { channel: 'C00000001', ts: `${START / 1000}.000001`, text: 'edited' }],
      ['chat.postMessage', { channel: '#nowhere', text: 'x' }],
      ['chat.postMessage', post, 'xoxb-wrong'],
      ['chat.postMessage', '{not json'],
      ['chat.delete', post],
    ]);
    expect(inProcess).toEqual(overHttp);
    expect(inProcess.map((a) => a.body.error ?? 'ok')).toEqual([
      'ok',
      'ok',
      'ok',
      'channel_not_found',
      'invalid_auth',
      'invalid_json',
      'unknown_method',
    ]);
    expect(local.messages()).toEqual(http.messages());
    expect(local.stats).toEqual(http.stats);
  });

  it("keeps chat.postMessage's per-channel rate limit: a 429 with Retry-After once the burst is spent", async () => {
    const posts: [string, unknown][] = Array.from({ length: BURST + 1 }, (_, i) => [
      'chat.postMessage',
      { channel: '#c', text: `m${i}` },
    ]);
    const { overHttp, inProcess, local } = await bothWays(posts);
    expect(inProcess).toEqual(overHttp);
    expect(inProcess.at(-1)).toEqual({ status: 429, retryAfter: '1', body: { ok: false, error: 'ratelimited' } });
    expect(local.stats).toMatchObject({ posted: BURST, rateLimited: 1 });
  });

  it('keeps an outage: the refused work is reported to the hooks, with the outage answer', async () => {
    const hooks = () => {
      const refused: string[] = [];
      return {
        refused,
        outage: () => ({ status: 503 }),
        onRefused: (key: string) => void refused.push(key),
      };
    };
    const { overHttp, inProcess, local } = await bothWays(
      [['chat.postMessage', { channel: '#c', text: 'down' }]],
      hooks,
    );
    expect(inProcess).toEqual(overHttp);
    expect(inProcess[0]).toMatchObject({ status: 503, body: { ok: false, error: 'service_unavailable' } });
    expect(local.stats.failed).toBe(1);
  });
});
