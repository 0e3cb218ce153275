import { describe, expect, it } from 'vitest';
import { DECISION_ERRORS, decideFailure, rejectionCause } from '../../../core/promotion/outcome.js';

const lambdaCause = (errorMessage: unknown): string => JSON.stringify({ errorType: 'Error', errorMessage });

describe('DECISION_ERRORS: the error names a decision is thrown with', () => {
  it('spells each name as the task functions and the approval callback throw it', () => {
    expect(DECISION_ERRORS).toEqual({
      gateRejected: 'GateRejected',
      soakAborted: 'SoakAborted',
      approvalRejected: 'Rejected',
      revoked: 'Revoked',
      builtOnRevoked: 'BuiltOnRevoked',
    });
  });
});

describe('rejectionCause', () => {
  it('is JSON with the reason as errorMessage, then who decided and when', () => {
    expect(rejectionCause('ops-lead', '2027-01-01T00:00:00Z', 'not yet')).toBe(
      '{"errorMessage":"not yet","by":"ops-lead","at":"2027-01-01T00:00:00Z"}',
    );
  });
});

describe('decideFailure: a failure without a cause', () => {
  it('gives each decision its own default reason', () => {
    expect(decideFailure({ Error: 'GateRejected' })).toStrictEqual({
      outcome: 'rejected',
      reason: 'gate rejected the build',
    });
    expect(decideFailure({ Error: 'Rejected' })).toStrictEqual({
      outcome: 'rejected',
      reason: 'approval rejected',
      by: undefined,
    });
    expect(decideFailure({ Error: 'SoakAborted' })).toStrictEqual({ outcome: 'aborted', reason: 'soak aborted' });
    expect(decideFailure({ Error: 'Revoked' })).toStrictEqual({ outcome: 'aborted', reason: 'revoked' });
    expect(decideFailure({ Error: 'BuiltOnRevoked' })).toStrictEqual({
      outcome: 'aborted',
      reason: 'built on a revoked parent',
    });
  });

  it('aborts a build held by its lineage with the hold as the reason', () => {
    const cause = lambdaCause('built on revoked base 1.0.0/5');
    expect(decideFailure({ Error: 'BuiltOnRevoked', Cause: cause })).toStrictEqual({
      outcome: 'aborted',
      reason: 'built on revoked base 1.0.0/5',
    });
  });

  it('names only the error of any other fault, also for an empty cause', () => {
    expect(decideFailure({ Error: 'States.TaskFailed' })).toStrictEqual({
      outcome: 'aborted',
      reason: 'States.TaskFailed',
    });
    expect(decideFailure({ Error: 'States.TaskFailed', Cause: '' })).toStrictEqual({
      outcome: 'aborted',
      reason: 'States.TaskFailed',
    });
  });
});

describe('decideFailure: the cause it keeps', () => {
  it('keeps a revocation’s cause as its reason', () => {
    expect(decideFailure({ Error: 'Revoked', Cause: lambdaCause('1.0.0/3 was revoked') })).toStrictEqual({
      outcome: 'aborted',
      reason: '1.0.0/3 was revoked',
    });
  });

  it('answers a timeout with its own reason, whatever the cause says', () => {
    expect(decideFailure({ Error: 'States.Timeout', Cause: 'Task timed out' })).toStrictEqual({
      outcome: 'expired',
      reason: 'approval timed out without a decision',
    });
  });

  it('reads a Lambda cause’s errorMessage, and a plain-text cause as it is', () => {
    expect(decideFailure({ Error: 'SoakAborted', Cause: lambdaCause('alarm fired') }).reason).toBe('alarm fired');
    expect(decideFailure({ Error: 'SoakAborted', Cause: 'alarm fired' }).reason).toBe('alarm fired');
  });

  it('keeps the whole cause when it is JSON without a string errorMessage', () => {
    for (const cause of ['null', '"quoted"', '42', '[]', '{"message":"x"}', lambdaCause(7)]) {
      expect(decideFailure({ Error: 'SoakAborted', Cause: cause }).reason).toBe(cause);
    }
  });
});

describe('decideFailure: who rejected', () => {
  it('names no one when the cause is plain text, empty or JSON without a string `by`', () => {
    for (const cause of ['looks wrong', '', 'null', '"by"', '{"errorMessage":"no"}', '{"by":7}']) {
      expect(decideFailure({ Error: 'Rejected', Cause: cause }).by).toBeUndefined();
    }
  });

  it('names the approver of a JSON cause, with or without a reason', () => {
    expect(decideFailure({ Error: 'Rejected', Cause: '{"by":"ops-lead"}' })).toStrictEqual({
      outcome: 'rejected',
      reason: '{"by":"ops-lead"}',
      by: 'ops-lead',
    });
  });

  it('names no one for a gate rejection, even when the cause carries a `by`', () => {
    expect(decideFailure({ Error: 'GateRejected', Cause: '{"errorMessage":"no","by":"x"}' })).toStrictEqual({
      outcome: 'rejected',
      reason: 'no',
    });
  });
});
