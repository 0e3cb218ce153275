import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deadLetterId,
  decideRedrive,
  failedTransiently,
  firstFailureOf,
  readDeadLetter,
} from '../../../core/redrive/dead-letters.js';

const START_BUILDS = 'arn:aws:lambda:us-east-1:111122223333:function:goldsmith-prod-StartBuilds';
const TARGETS = new Set([START_BUILDS]);
const HORIZON = 24 * 3600;
const NOW = new Date('2027-01-14T12:00:00Z');
const scheduled = { version: '0', 'detail-type': 'Scheduled Build', image: 'base' };

/** Lambda's on-failure destination record, as the Lambda developer guide shows it. */
const destinationRecord = (errorType: string, errorMessage = 'failed') =>
  JSON.stringify({
    version: '1.0',
    timestamp: '2027-01-14T03:03:02.942Z',
    requestContext: {
      requestId: 'e4b46cbf-b738-xmpl-8880-a18cdf61200e',
      functionArn: `${START_BUILDS}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: scheduled,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType, errorMessage, trace: [] },
  });

describe('readDeadLetter', () => {
  it("reads Lambda's on-failure destination record: the unqualified function, the payload and the error", () => {
    const letter = readDeadLetter({
      body: destinationRecord('ServiceUnavailableException', 'The service is unable to process your request.'),
      attributes: {},
    });
    expect(letter).toEqual({
      target: START_BUILDS,
      payload: scheduled,
      error: 'ServiceUnavailableException',
      message: 'The service is unable to process your request.',
      via: 'lambda-destination',
      requestId: 'e4b46cbf-b738-xmpl-8880-a18cdf61200e',
    });
  });

  it("reads an EventBridge rule target's dead letter (the event, with TARGET_ARN and ERROR_CODE)", () => {
    const event = { id: 'e-1', source: 'goldsmith.ci', 'detail-type': 'Package Update', detail: {} };
    const letter = readDeadLetter({
      body: JSON.stringify(event),
      attributes: {
        RULE_ARN: 'arn:aws:events:…:rule/x',
        TARGET_ARN: START_BUILDS,
        ERROR_CODE: 'THROTTLING',
        ERROR_MESSAGE: 'Rate exceeded',
      },
    });
    expect(letter).toMatchObject({ target: START_BUILDS, payload: event, error: 'THROTTLING', via: 'eventbridge' });
  });

  it("reads a Scheduler schedule's dead letter (the input, with SCHEDULE_ARN)", () => {
    const letter = readDeadLetter({
      body: JSON.stringify(scheduled),
      attributes: {
        TARGET_ARN: START_BUILDS,
        SCHEDULE_ARN: 'arn:aws:scheduler:…',
        ERROR_CODE: 'AWS.Scheduler.InternalServerError',
      },
    });
    expect(letter).toMatchObject({ via: 'scheduler', error: 'AWS.Scheduler.InternalServerError' });
    expect(failedTransiently(letter as Exclude<typeof letter, { unreadable: string }>)).toBe(true);
  });

  it('says why a message cannot be re-driven rather than guessing, whatever the body', () => {
    expect(readDeadLetter({ body: 'not json', attributes: { TARGET_ARN: START_BUILDS } })).toEqual({
      unreadable: 'the body is not JSON',
    });
    fc.assert(
      fc.property(fc.string(), (body) => {
        const read = readDeadLetter({ body, attributes: {} });
        return 'unreadable' in read || read.via === 'lambda-destination';
      }),
    );
  });
});

describe('decideRedrive', () => {
  const letter = (errorType: string) => {
    const read = readDeadLetter({ body: destinationRecord(errorType), attributes: {} });
    if ('unreadable' in read) throw new Error(read.unreadable);
    return read;
  };

  it('re-drives a transient failure of one of our functions within the retry horizon', () => {
    for (const name of [
      'ServiceUnavailableException',
      'Goldsmith.Transient',
      'ThrottlingException',
      'InternalServerError',
    ]) {
      expect(decideRedrive(letter(name), '2027-01-14T03:03:00Z', NOW, HORIZON, TARGETS), name).toEqual({
        redrive: true,
      });
    }
  });

  it('leaves a permanent failure for a person, naming it', () => {
    expect(decideRedrive(letter('MalformedEventError'), '2027-01-14T11:00:00Z', NOW, HORIZON, TARGETS)).toEqual({
      redrive: false,
      reason: 'MalformedEventError is permanent: failed',
    });
  });

  it('stops re-driving work that has been failing for longer than the retry horizon', () => {
    const decision = decideRedrive(
      letter('ServiceUnavailableException'),
      '2027-01-13T11:00:00Z',
      NOW,
      HORIZON,
      TARGETS,
    );
    expect(decision).toMatchObject({ redrive: false, reason: expect.stringMatching(/after the retry horizon/) });
  });

  it('never invokes a function that is not one of ours', () => {
    expect(
      decideRedrive(letter('ServiceUnavailableException'), '2027-01-14T11:00:00Z', NOW, HORIZON, new Set()),
    ).toMatchObject({
      redrive: false,
      reason: `${START_BUILDS} is not a Goldsmith function`,
    });
  });
});

describe('deadLetterId', () => {
  it('is the same for the same work however its keys are ordered, and differs for other work', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (payload) => {
        const reversed = Object.fromEntries(Object.entries(payload).reverse());
        return (
          deadLetterId({ target: START_BUILDS, payload }) === deadLetterId({ target: START_BUILDS, payload: reversed })
        );
      }),
    );
    expect(deadLetterId({ target: START_BUILDS, payload: { a: 1 } })).not.toBe(
      deadLetterId({ target: START_BUILDS, payload: { a: 2 } }),
    );
  });
});

describe('firstFailureOf', () => {
  const history = { firstDeadLetteredAt: '2027-01-13T03:03:00.000Z', lastRedriveAt: '2027-01-14T06:00:00.000Z' };

  it('keeps the start of a chain when the message is a re-drive failing again', () => {
    expect(firstFailureOf(history, '2027-01-14T06:03:00.000Z')).toBe(history.firstDeadLetteredAt);
  });

  it('starts a new horizon when the same payload fails again later (a schedule with a fixed input)', () => {
    expect(firstFailureOf(history, '2027-01-16T15:03:00.000Z')).toBe('2027-01-16T15:03:00.000Z');
    expect(firstFailureOf(undefined, '2027-01-16T15:03:00.000Z')).toBe('2027-01-16T15:03:00.000Z');
  });
});
