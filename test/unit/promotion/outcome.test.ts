import { describe, expect, it } from 'vitest';
import { decideFailure, rejectionCause } from '../../../core/promotion/outcome.js';

describe('decideFailure', () => {
  it('records a gate rejection as rejected with the Lambda error message as reason', () => {
    const cause = JSON.stringify({ errorType: 'GateRejected', errorMessage: '2 high findings exceed the maximum' });
    expect(decideFailure({ Error: 'GateRejected', Cause: cause })).toEqual({
      outcome: 'rejected',
      reason: '2 high findings exceed the maximum',
    });
  });

  it("records an approver rejection as rejected by that approver, with the approver's reason", () => {
    const decision = decideFailure({
      Error: 'Rejected',
      Cause: rejectionCause('security-reviewer', '2027-01-01T00:00:00Z', 'CVE-2027-0001 is not fixed'),
    });
    expect(decision).toEqual({ outcome: 'rejected', reason: 'CVE-2027-0001 is not fixed', by: 'security-reviewer' });
  });

  it('says "no reason given" for a rejection without one, never restating who rejected', () => {
    const decision = decideFailure({
      Error: 'Rejected',
      Cause: rejectionCause('security-reviewer', '2027-01-01T00:00:00Z'),
    });
    expect(decision).toEqual({ outcome: 'rejected', reason: 'no reason given', by: 'security-reviewer' });
  });

  it('records a task-token timeout as expired', () => {
    expect(decideFailure({ Error: 'States.Timeout' }).outcome).toBe('expired');
  });

  it('records soak news as aborted', () => {
    expect(decideFailure({ Error: 'SoakAborted', Cause: 'revoked during soak: CVE-1' })).toEqual({
      outcome: 'aborted',
      reason: 'revoked during soak: CVE-1',
    });
  });

  it('records any other fault as aborted, naming the error', () => {
    expect(decideFailure({ Error: 'Lambda.TooManyRequestsException', Cause: 'Rate exceeded' })).toEqual({
      outcome: 'aborted',
      reason: 'Lambda.TooManyRequestsException: Rate exceeded',
    });
  });
});
