import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type DeadLetter,
  deadLetterId,
  decideRedrive,
  failedTransiently,
  firstFailureOf,
  readDeadLetter,
  unqualified,
} from '../../../core/redrive/dead-letters.js';

const FN = 'arn:aws:lambda:us-east-1:111122223333:function:goldsmith-prod-StartBuilds';
const payload = { image: 'base' };

describe('unqualified', () => {
  it('strips a version or an alias, and keeps an unqualified ARN whole', () => {
    expect(unqualified(`${FN}:$LATEST`)).toBe(FN);
    expect(unqualified(`${FN}:live`)).toBe(FN);
    expect(unqualified(FN)).toBe(FN);
    expect(unqualified('goldsmith-prod-StartBuilds')).toBe('goldsmith-prod-StartBuilds');
  });
});

describe("readDeadLetter: Lambda's destination record", () => {
  const record = (over: Record<string, unknown>) =>
    JSON.stringify({
      requestContext: { functionArn: FN, condition: 'RetriesExhausted' },
      requestPayload: payload,
      ...over,
    });

  it('falls back to the condition when the response names no error, and to no message', () => {
    expect(readDeadLetter({ body: record({}), attributes: {} })).toEqual({
      target: FN,
      payload,
      error: 'RetriesExhausted',
      message: '',
      via: 'lambda-destination',
    });
    expect(
      readDeadLetter({ body: record({ responsePayload: { errorType: 7, errorMessage: null } }), attributes: {} }),
    ).toMatchObject({ error: 'RetriesExhausted', message: '' });
    expect(readDeadLetter({ body: record({ responsePayload: ['x'] }), attributes: {} })).toMatchObject({
      error: 'RetriesExhausted',
    });
  });

  it('calls the error Unknown when neither the response nor the condition names one', () => {
    const body = JSON.stringify({ requestContext: { functionArn: FN }, requestPayload: null });
    expect(readDeadLetter({ body, attributes: {} })).toEqual({
      target: FN,
      payload: null,
      error: 'Unknown',
      message: '',
      via: 'lambda-destination',
    });
  });

  it('is not a destination record without a function ARN, a request context or a request payload', () => {
    const why = { unreadable: 'neither a Lambda destination record nor a TARGET_ARN attribute' };
    for (const body of [
      JSON.stringify({ requestContext: { functionArn: 7 }, requestPayload: payload }),
      JSON.stringify({ requestContext: 'x', requestPayload: payload }),
      JSON.stringify({ requestContext: [FN], requestPayload: payload }),
      JSON.stringify({ requestContext: null, requestPayload: payload }),
      JSON.stringify({ requestContext: { functionArn: FN } }),
      JSON.stringify([{ requestContext: { functionArn: FN }, requestPayload: payload }]),
      'null',
    ]) {
      expect(readDeadLetter({ body, attributes: {} }), body).toEqual(why);
    }
  });
});

describe("readDeadLetter: EventBridge's and Scheduler's dead letters", () => {
  it('reads the target unqualified, the body as the payload, and no code or message as Unknown and nothing', () => {
    expect(readDeadLetter({ body: '[1,2]', attributes: { TARGET_ARN: `${FN}:live` } })).toEqual({
      target: FN,
      payload: [1, 2],
      error: 'Unknown',
      message: '',
      via: 'eventbridge',
    });
  });

  it('keeps the code and message given, and reads a SCHEDULE_ARN as Scheduler, even an empty one', () => {
    expect(
      readDeadLetter({
        body: 'null',
        attributes: { TARGET_ARN: FN, ERROR_CODE: 'TIMEOUT', ERROR_MESSAGE: 'timed out', SCHEDULE_ARN: '' },
      }),
    ).toEqual({ target: FN, payload: null, error: 'TIMEOUT', message: 'timed out', via: 'scheduler' });
  });

  it('refuses a body that is not JSON', () => {
    expect(readDeadLetter({ body: '{', attributes: { TARGET_ARN: FN } })).toEqual({
      unreadable: 'the body is not JSON',
    });
  });
});

describe('failedTransiently', () => {
  const letter = (error: string): DeadLetter => ({ target: FN, payload, error, message: '', via: 'eventbridge' });

  it.each([
    'THROTTLING',
    'CONNECTION_FAILURE',
    'TIMEOUT',
    'INTERNAL_ERROR',
    'SDK_CLIENT_ERROR',
    'AWS.Scheduler.InternalServerError',
    'AWS.Scheduler.Throttling',
    'AWS.Scheduler.ServiceUnavailable',
    'ThrottlingException',
  ])('takes %s as transient', (code) => {
    expect(failedTransiently(letter(code))).toBe(true);
  });

  it.each(['NO_PERMISSIONS', 'RESOURCE_NOT_FOUND', 'Unknown', 'MalformedEventError'])(
    'takes %s as needing a person',
    (code) => {
      expect(failedTransiently(letter(code))).toBe(false);
    },
  );
});

describe('deadLetterId', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it("is the SHA-256 of the target, a newline and the payload's canonical JSON: keys sorted at every depth", () => {
    const value = { b: [1, { d: 'x', c: null }], a: true };
    expect(deadLetterId({ target: FN, payload: value })).toBe(sha(`${FN}\n{"a":true,"b":[1,{"c":null,"d":"x"}]}`));
  });

  it('writes a payload that JSON cannot as null', () => {
    expect(deadLetterId({ target: FN, payload: undefined })).toBe(sha(`${FN}\nnull`));
    expect(deadLetterId({ target: FN, payload: [undefined] })).toBe(sha(`${FN}\n[null]`));
  });

  it('tells an array from an object with the same entries, and one target from another', () => {
    expect(deadLetterId({ target: FN, payload: ['x'] })).not.toBe(deadLetterId({ target: FN, payload: { 0: 'x' } }));
    expect(deadLetterId({ target: FN, payload })).not.toBe(deadLetterId({ target: `${FN}2`, payload }));
  });
});

describe('decideRedrive', () => {
  const targets = new Set([FN]);
  const letter: DeadLetter = { target: FN, payload, error: 'THROTTLING', message: 'slow down', via: 'eventbridge' };
  const first = '2027-01-14T00:00:00.000Z';

  it('re-drives up to and including the end of the horizon, and not a millisecond after', () => {
    expect(decideRedrive(letter, first, new Date('2027-01-14T01:00:00.000Z'), 3600, targets)).toEqual({
      redrive: true,
    });
    expect(decideRedrive(letter, first, new Date('2027-01-14T01:00:00.001Z'), 3600, targets)).toEqual({
      redrive: false,
      reason: `still failing after the retry horizon, since ${first}`,
    });
  });

  it('names the error and its message when the failure is permanent', () => {
    const permanent = { ...letter, error: 'NO_PERMISSIONS', message: 'denied' };
    expect(decideRedrive(permanent, first, new Date(first), 3600, targets)).toEqual({
      redrive: false,
      reason: 'NO_PERMISSIONS is permanent: denied',
    });
  });

  it('checks the target before anything else', () => {
    const other = { ...letter, target: `${FN}-other`, error: 'NO_PERMISSIONS' };
    expect(decideRedrive(other, first, new Date('2030-01-01T00:00:00Z'), 3600, targets)).toEqual({
      redrive: false,
      reason: `${FN}-other is not a Goldsmith function`,
    });
  });
});

describe('firstFailureOf', () => {
  const history = { firstDeadLetteredAt: '2027-01-10T00:00:00.000Z', lastRedriveAt: '2027-01-14T00:00:00.000Z' };

  it('starts from the message itself without a history', () => {
    expect(firstFailureOf(undefined, '2027-01-14T00:30:00.000Z')).toBe('2027-01-14T00:30:00.000Z');
  });

  it("continues the history's chain up to an hour after its last re-drive, included", () => {
    expect(firstFailureOf(history, '2027-01-14T00:30:00.000Z')).toBe(history.firstDeadLetteredAt);
    expect(firstFailureOf(history, '2027-01-14T01:00:00.000Z')).toBe(history.firstDeadLetteredAt);
  });

  it('starts a new failure a millisecond past that hour', () => {
    expect(firstFailureOf(history, '2027-01-14T01:00:00.001Z')).toBe('2027-01-14T01:00:00.001Z');
  });
});
