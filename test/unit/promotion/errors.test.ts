import { describe, expect, it } from 'vitest';
import { GoldsmithError } from '../../../core/errors.js';
import {
  ApprovalRejectedError,
  GateRejectedError,
  RevokedError,
  SoakAbortedError,
} from '../../../core/promotion/errors.js';
import { decideFailure } from '../../../core/promotion/outcome.js';

/** How Step Functions catches an error a task Lambda threw: its name as `Error`, a JSON `Cause`. */
const caught = (err: Error) => ({
  Error: err.name,
  Cause: JSON.stringify({ errorType: err.name, errorMessage: err.message }),
});

describe('the promotion’s decision errors, as the state machine’s Catch records them', () => {
  it('records the gate’s no as rejected, with its reason', () => {
    const err = new GateRejectedError('2 critical findings over policy');
    expect(err).toBeInstanceOf(GoldsmithError);
    expect(decideFailure(caught(err))).toEqual({ outcome: 'rejected', reason: '2 critical findings over policy' });
  });

  it('records news during a soak as aborted, with its reason', () => {
    expect(decideFailure(caught(new SoakAbortedError('1 new critical finding')))).toEqual({
      outcome: 'aborted',
      reason: '1 new critical finding',
    });
  });

  it('records a revocation during the promotion as aborted, with its reason', () => {
    expect(decideFailure(caught(new RevokedError('1.0.0/3 was revoked: CVE-2027-1234')))).toEqual({
      outcome: 'aborted',
      reason: '1.0.0/3 was revoked: CVE-2027-1234',
    });
  });

  it('records an approver’s carried-over rejection as rejected, naming them and their reason', () => {
    const err = new ApprovalRejectedError('alice', 'the kernel regressed');
    expect(err.message).toBe('rejected by alice: the kernel regressed');
    expect(decideFailure(caught(err))).toMatchObject({
      outcome: 'rejected',
      reason: 'rejected by alice: the kernel regressed',
    });
  });

  it('says when the approver gave no reason', () => {
    expect(new ApprovalRejectedError('bob').message).toBe('rejected by bob: no reason given');
  });
});
