import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../../core/notifications/slack.js';
import { parseSlackDecision, slackSignature, verifySlackSignature } from '../../../core/promotion/slack-request.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_800_000_000;

function pressed(overrides: Record<string, unknown> = {}): string {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0OPSLEAD' },
    container: { channel_id: 'C00000001', message_ts: '1800000000.000001' },
    actions: [
      {
        action_id: APPROVE_ACTION,
        value: JSON.stringify({ approvalId: 'abc', image: 'base', version: '1.0.0/3', channel: 'prod' }),
      },
    ],
    ...overrides,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

describe('verifySlackSignature', () => {
  const body = pressed();
  const timestamp = String(NOW);
  const signature = slackSignature(SECRET, timestamp, body);

  it('accepts a request signed with the signing secret within five minutes', () => {
    expect(verifySlackSignature({ body, timestamp, signature }, SECRET, NOW + 299)).toEqual({ ok: true });
  });

  it('matches the example in Slack’s documentation', () => {
    const docBody =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', '1531420618', docBody)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('refuses a tampered body', () => {
    const tampered = body.replace('U0OPSLEAD', 'U0MALLORY');
    expect(verifySlackSignature({ body: tampered, timestamp, signature }, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad Slack signature',
    });
  });

  it('refuses a request signed with another secret', () => {
    const forged = slackSignature('not-the-secret', timestamp, body);
    expect(verifySlackSignature({ body, timestamp, signature: forged }, SECRET, NOW)).toMatchObject({
      reason: 'bad Slack signature',
    });
  });

  it('refuses a stale timestamp even with a valid signature', () => {
    expect(verifySlackSignature({ body, timestamp, signature }, SECRET, NOW + 301)).toEqual({
      ok: false,
      reason: 'stale Slack request',
    });
    expect(verifySlackSignature({ body, timestamp, signature }, SECRET, NOW - 301)).toMatchObject({ ok: false });
  });

  it('refuses a request without the headers', () => {
    expect(verifySlackSignature({ body, timestamp: undefined, signature }, SECRET, NOW)).toMatchObject({
      reason: 'missing Slack signature headers',
    });
  });

  it('accepts no body it was not given the signature of', () => {
    fc.assert(
      fc.property(fc.string(), (other) => {
        fc.pre(other !== body);
        return !verifySlackSignature({ body: other, timestamp, signature }, SECRET, NOW).ok;
      }),
    );
  });
});

describe('parseSlackDecision', () => {
  it('reads who pressed which button on which approval', () => {
    expect(parseSlackDecision(pressed())).toEqual({
      ok: true,
      decision: {
        slackUser: 'U0OPSLEAD',
        decision: 'approve',
        approvalId: 'abc',
        image: 'base',
        version: '1.0.0/3',
        channel: 'prod',
        slackChannel: 'C00000001',
        messageTs: '1800000000.000001',
      },
    });
  });

  it('says why a body is not an approval button press', () => {
    expect(parseSlackDecision('')).toEqual({ ok: false, reason: 'no interactivity payload' });
    expect(parseSlackDecision('payload=%7B')).toEqual({ ok: false, reason: 'interactivity payload is not JSON' });
    expect(parseSlackDecision(pressed({ type: 'view_submission' }))).toMatchObject({ ok: false });
    expect(parseSlackDecision(pressed({ actions: [{ action_id: 'other', value: '{}' }] }))).toEqual({
      ok: false,
      reason: 'not an approval button',
    });
  });
});
