import { describe, expect, it } from 'vitest';
import { judgeHeldRequest, promotionOf } from '../../../core/promotion/approval-retry.js';
import { executionNameFor, resumedExecutionNameFor } from '../../../core/promotion/naming.js';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:execution:promotion';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:promotion:base-1-0-0-3-0123456789ab';

describe('judgeHeldRequest', () => {
  const mine = { approvalId: 'id-of-the-new-token', execution: EXECUTION };

  it('carries on with a request this very attempt wrote', () => {
    expect(judgeHeldRequest({ approvalId: 'id-of-the-new-token', execution: EXECUTION }, mine)).toEqual({
      verdict: 'same-attempt',
    });
  });

  it('takes over the request an earlier attempt of the same promotion, or of the execution it resumes, wrote', () => {
    expect(judgeHeldRequest({ approvalId: 'id-of-an-old-token', execution: EXECUTION }, mine).verdict).toBe(
      'take-over',
    );
    const resumed = { ...mine, execution: `${EXECUTION}-r1` };
    expect(judgeHeldRequest({ approvalId: 'id-of-an-old-token', execution: EXECUTION }, resumed).verdict).toBe(
      'take-over',
    );
  });

  it("refuses another promotion's request, and one that names no execution", () => {
    const other = 'arn:aws:states:us-east-1:123456789012:execution:promotion:app-1-0-0-3-ba9876543210';
    expect(judgeHeldRequest({ approvalId: 'x', execution: other }, mine)).toEqual({
      verdict: 'refuse',
      reason: 'another promotion holds it',
    });
    expect(judgeHeldRequest({ approvalId: 'x' }, mine).verdict).toBe('refuse');
  });

  it('refuses, as before, when the attempt names no execution (an execution started under the older definition)', () => {
    expect(judgeHeldRequest({ approvalId: 'x', execution: EXECUTION }, { approvalId: 'y' }).verdict).toBe('refuse');
  });

  it('refuses its own promotion once the decision reached Step Functions', () => {
    expect(
      judgeHeldRequest(
        { approvalId: 'x', execution: EXECUTION, decision: 'approve', sentAt: '2027-01-14T05:00:00Z' },
        mine,
      ),
    ).toEqual({ verdict: 'refuse', reason: 'its approve was already delivered' });
  });
});

describe('promotionOf', () => {
  it('names a resumption by the promotion it resumes', () => {
    expect(promotionOf(`${EXECUTION}-r2`)).toBe(promotionOf(EXECUTION));
    expect(promotionOf(EXECUTION)).not.toBe(promotionOf(EXECUTION.replace('promotion:', 'other-machine:')));
  });

  // The recipe name is `goldsmith-<image>-<8 hex>`: a catalog image name of 38 characters or more makes the first
  // execution's readable part longer than a resumption's (80 characters in all, core/promotion/naming.ts).
  for (const length of [37, 38, 63]) {
    it(`matches a resumption to its first execution for an image name of ${length} characters`, () => {
      const image = `goldsmith-${'i'.repeat(length)}-3f9a2c1d`;
      const arn = `arn:aws:imagebuilder:us-east-1:123456789012:image/${image}/1.0.0/3`;
      const first = `${MACHINE}:${executionNameFor(arn)}`;
      const resumed = `${MACHINE}:${resumedExecutionNameFor(arn, 12)}`;
      const another = `${MACHINE}:${executionNameFor(arn.replace(/\/3$/, '/4'))}`;

      expect(promotionOf(resumed)).toBe(promotionOf(first));
      expect(promotionOf(another)).not.toBe(promotionOf(first));
      const held = { approvalId: 'id-of-an-old-token', execution: first };
      expect(judgeHeldRequest(held, { approvalId: 'id-of-the-new-token', execution: resumed }).verdict).toBe(
        'take-over',
      );
    });
  }
});
