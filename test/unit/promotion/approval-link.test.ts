import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ApprovalLinkClaims,
  approvalIdFor,
  approvalLink,
  verifyApprovalLink,
} from '../../../core/promotion/approval-link.js';

const secret = 'k'.repeat(64);
const claims: ApprovalLinkClaims = {
  id: approvalIdFor('AAAA-very-long-task-token'),
  image: 'base',
  version: '1.0.0/3',
  channel: 'prod',
  decision: 'approve',
  by: 'ops-lead',
  expires: 2_000_000_000,
  nonce: 'n0nce-from-the-ledger-000',
};

function paramsOf(link: string): Record<string, string> {
  return Object.fromEntries(new URL(link).searchParams.entries());
}

describe('approvalIdFor', () => {
  it('gives a short id that is stable for a token', () => {
    const id = approvalIdFor('token-1');
    expect(id).toHaveLength(22);
    expect(approvalIdFor('token-1')).toBe(id);
    expect(approvalIdFor('token-2')).not.toBe(id);
  });
});

describe('verifyApprovalLink', () => {
  it('accepts its own link before expiry and returns the claims', () => {
    const params = paramsOf(approvalLink('https://cb.example/', claims, secret));
    expect(verifyApprovalLink(params, secret, 1_900_000_000)).toEqual({ ok: true, claims });
  });

  it('refuses a link past its expiry', () => {
    const params = paramsOf(approvalLink('https://cb.example/', claims, secret));
    expect(verifyApprovalLink(params, secret, 2_000_000_001)).toEqual({ ok: false, reason: 'link expired' });
  });

  it('refuses a link signed with another secret', () => {
    const params = paramsOf(approvalLink('https://cb.example/', claims, 'x'.repeat(64)));
    expect(verifyApprovalLink(params, secret, 0)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses any change to any claim', () => {
    const params = paramsOf(approvalLink('https://cb.example/', claims, secret));
    fc.assert(
      fc.property(
        fc.constantFrom('id', 'image', 'version', 'channel', 'by', 'expires'),
        fc.string({ minLength: 1 }),
        (field, value) => {
          fc.pre(params[field] !== value);
          expect(verifyApprovalLink({ ...params, [field]: value }, secret, 0).ok).toBe(false);
        },
      ),
    );
    expect(verifyApprovalLink({ ...params, decision: 'reject' }, secret, 0)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
  });

  it('refuses a link with a missing parameter', () => {
    const { sig: _sig, ...unsigned } = paramsOf(approvalLink('https://cb.example/', claims, secret));
    expect(verifyApprovalLink(unsigned, secret, 0)).toEqual({ ok: false, reason: 'missing link parameters' });
  });
});

describe('verifyApprovalLink with a retiring key', () => {
  const OLD = 'o'.repeat(64);
  const NEW = 'n'.repeat(64);
  const claims = {
    id: 'abcdefghijklmnopqrstuv',
    image: 'base',
    version: '1.0.0/3',
    channel: 'prod',
    decision: 'approve' as const,
    by: 'ops-lead',
    expires: 2_000,
    nonce: 'n0nce-from-the-ledger-000',
  };
  const params = (secret: string, over: Partial<typeof claims> = {}) =>
    Object.fromEntries(new URL(approvalLink('https://cb.example/', { ...claims, ...over }, secret)).searchParams);

  it('accepts the previous key until its notAfter, for links that expire by then', () => {
    const keys = [{ secret: NEW }, { secret: OLD, notAfter: 3_000 }];
    expect(verifyApprovalLink(params(OLD), keys, 1_000).ok).toBe(true);
    expect(verifyApprovalLink(params(NEW), keys, 1_000).ok).toBe(true);
  });

  it('refuses a previous-key link that would expire after notAfter, and any after notAfter', () => {
    const keys = [{ secret: NEW }, { secret: OLD, notAfter: 3_000 }];
    expect(verifyApprovalLink(params(OLD, { expires: 3_001 }), keys, 1_000)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
    expect(verifyApprovalLink(params(OLD, { expires: 4_000 }), [{ secret: OLD, notAfter: 3_000 }], 3_500).ok).toBe(
      false,
    );
  });

  it("refuses another approver's link with one's own name put in: the signature covers the approver", () => {
    const forged = { ...params(NEW), by: 'security-reviewer' };
    expect(verifyApprovalLink(forged, NEW, 1_000)).toEqual({ ok: false, reason: 'bad signature' });
  });
});
