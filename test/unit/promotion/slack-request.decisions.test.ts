import { describe, expect, it } from 'vitest';
import { APPROVE_ACTION, REJECT_ACTION } from '../../../core/notifications/slack.js';
import { parseSlackDecision, slackSignature, verifySlackSignature } from '../../../core/promotion/slack-request.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_800_000_000;
const VALUE = JSON.stringify({ approvalId: 'abc', image: 'base', version: '1.0.0/3', channel: 'prod' });

const body = (payload: Record<string, unknown>) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
const press = (actions: { action_id: string; value?: string }[], type = 'block_actions') =>
  body({ type, user: { id: 'U0OPSLEAD' }, actions });

/** The verdict on `text` signed at `timestamp` with the right secret, checked at `now`. */
const verdict = (timestamp: string, now = NOW, text = 'payload=x') =>
  verifySlackSignature({ body: text, timestamp, signature: slackSignature(SECRET, timestamp, text) }, SECRET, now);

describe('verifySlackSignature: the timestamp', () => {
  it('accepts a request exactly five minutes old or ahead, and refuses one a second more', () => {
    expect(verdict(String(NOW), NOW + 300)).toEqual({ ok: true });
    expect(verdict(String(NOW), NOW - 300)).toEqual({ ok: true });
    expect(verdict(String(NOW), NOW + 301)).toEqual({ ok: false, reason: 'stale Slack request' });
  });

  it('refuses a timestamp that is not plain digits, even when it is signed', () => {
    for (const timestamp of [` ${NOW}`, `${NOW} `, `${NOW}.5`, '1.8e9', '0x6B49D200', `+${NOW}`]) {
      expect(verdict(timestamp), timestamp).toEqual({ ok: false, reason: 'bad Slack timestamp' });
    }
  });

  it('refuses digits too many to be a time', () => {
    expect(verdict('9'.repeat(20), 1e20)).toEqual({ ok: false, reason: 'bad Slack timestamp' });
  });
});

describe('verifySlackSignature: the signature', () => {
  it('refuses a signature of another length without throwing', () => {
    const timestamp = String(NOW);
    const signature = slackSignature(SECRET, timestamp, 'payload=x');

    for (const given of [signature.slice(0, -1), `${signature}0`, 'v0=']) {
      expect(verifySlackSignature({ body: 'payload=x', timestamp, signature: given }, SECRET, NOW)).toEqual({
        ok: false,
        reason: 'bad Slack signature',
      });
    }
  });
});

describe('parseSlackDecision: which button', () => {
  it('reads a Reject press as a rejection, whichever other actions come first', () => {
    const parsed = parseSlackDecision(
      press([
        { action_id: 'other', value: VALUE },
        { action_id: REJECT_ACTION, value: VALUE },
      ]),
    );

    expect(parsed).toMatchObject({ ok: true, decision: { decision: 'reject', approvalId: 'abc' } });
    expect(parseSlackDecision(press([{ action_id: APPROVE_ACTION, value: VALUE }]))).toMatchObject({
      ok: true,
      decision: { decision: 'approve', slackChannel: undefined, messageTs: undefined },
    });
  });

  it('says why a button value cannot be read', () => {
    expect(parseSlackDecision(press([{ action_id: APPROVE_ACTION }]))).toEqual({
      ok: false,
      reason: 'not an approval button',
    });
    expect(parseSlackDecision(press([{ action_id: APPROVE_ACTION, value: '{' }]))).toEqual({
      ok: false,
      reason: 'approval button value is not JSON',
    });
    expect(parseSlackDecision(press([{ action_id: APPROVE_ACTION, value: '{"approvalId":"abc"}' }]))).toEqual({
      ok: false,
      reason: 'approval button value is incomplete',
    });
  });

  it('names the first thing that makes a payload no button press', () => {
    expect(parseSlackDecision(press([], 'block_actions'))).toEqual({
      ok: false,
      reason: 'not a button press: must hold the pressed button',
    });
  });
});
