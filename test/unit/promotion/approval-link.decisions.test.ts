import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ApprovalLinkClaims,
  approvalIdFor,
  approvalLink,
  linkNonceDigest,
  linkNonceFor,
  matchLinkNonce,
  signClaims,
  verifyApprovalLink,
} from '../../../core/promotion/approval-link.js';

const SECRET = 's'.repeat(64);
const claims: ApprovalLinkClaims = {
  id: 'abcdefghijklmnopqrstuv',
  image: 'base',
  version: '1.0.0/3',
  channel: 'prod',
  decision: 'reject',
  by: 'ops-lead',
  expires: 2_000,
  nonce: 'n0nce-from-the-ledger-000',
};
const paramsOf = (c: ApprovalLinkClaims, secret = SECRET): Record<string, string> =>
  Object.fromEntries(new URL(approvalLink('https://cb.example/', c, secret)).searchParams);

describe('approvalIdFor and signClaims', () => {
  it('is the first 22 characters of the base64url SHA-256 of the task token', () => {
    const token = 'AAAA-task-token';
    expect(approvalIdFor(token)).toBe(createHash('sha256').update(token).digest('base64url').slice(0, 22));
  });

  it('signs every claim, one a line, in a fixed order, with HMAC-SHA256', () => {
    const text = [
      'abcdefghijklmnopqrstuv',
      'base',
      '1.0.0/3',
      'prod',
      'reject',
      'ops-lead',
      '2000',
      'n0nce-from-the-ledger-000',
    ].join('\n');
    expect(signClaims(claims, SECRET)).toBe(createHmac('sha256', SECRET).update(text).digest('base64url'));
  });
});

describe('approvalLink', () => {
  it('adds every claim and the signature to the base URL, keeping its path and query', () => {
    const link = new URL(approvalLink('https://cb.example/approve?x=1', claims, SECRET));
    expect(link.origin + link.pathname).toBe('https://cb.example/approve');
    expect([...link.searchParams.keys()]).toEqual([
      'x',
      'id',
      'image',
      'version',
      'channel',
      'decision',
      'by',
      'expires',
      'nonce',
      'sig',
    ]);
    expect(link.searchParams.get('expires')).toBe('2000');
    expect(link.searchParams.get('sig')).toBe(signClaims(claims, SECRET));
  });
});

describe('verifyApprovalLink: the parameters', () => {
  it.each(['id', 'image', 'version', 'channel', 'by', 'expires', 'nonce', 'sig'])(
    'refuses a link without %s',
    (name) => {
      const params: Record<string, string | undefined> = { ...paramsOf(claims), [name]: undefined };
      expect(verifyApprovalLink(params, SECRET, 1_000)).toEqual({ ok: false, reason: 'missing link parameters' });
      expect(verifyApprovalLink({ ...paramsOf(claims), [name]: '' }, SECRET, 1_000)).toEqual({
        ok: false,
        reason: 'missing link parameters',
      });
    },
  );

  it('accepts a reject link as well as an approve link, and refuses any other decision', () => {
    expect(verifyApprovalLink(paramsOf(claims), SECRET, 1_000)).toEqual({ ok: true, claims });
    const approve = { ...claims, decision: 'approve' as const };
    expect(verifyApprovalLink(paramsOf(approve), SECRET, 1_000)).toEqual({ ok: true, claims: approve });
    for (const decision of ['approved', '', undefined]) {
      expect(verifyApprovalLink({ ...paramsOf(claims), decision }, SECRET, 1_000)).toEqual({
        ok: false,
        reason: 'decision must be approve or reject',
      });
    }
  });

  it('refuses an expiry that is not a whole number of seconds', () => {
    for (const expires of ['2000.5', 'soon', '2e3x']) {
      expect(verifyApprovalLink({ ...paramsOf(claims), expires }, SECRET, 1_000)).toEqual({
        ok: false,
        reason: 'expires is not a time',
      });
    }
  });

  it('refuses a signature of another length without throwing', () => {
    expect(verifyApprovalLink({ ...paramsOf(claims), sig: 'short' }, SECRET, 1_000)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
  });

  it('checks the signature before the expiry', () => {
    expect(verifyApprovalLink(paramsOf(claims, 'x'.repeat(64)), SECRET, 5_000)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
  });

  it('accepts a link up to and including its expiry second', () => {
    expect(verifyApprovalLink(paramsOf(claims), SECRET, 2_000)).toEqual({ ok: true, claims });
    expect(verifyApprovalLink(paramsOf(claims), SECRET, 2_001)).toEqual({ ok: false, reason: 'link expired' });
  });
});

describe('verifyApprovalLink: keys', () => {
  const OLD = 'o'.repeat(64);

  it('accepts a link signed with any of the keys, and none with no key', () => {
    expect(verifyApprovalLink(paramsOf(claims, OLD), [{ secret: SECRET }, { secret: OLD }], 1_000).ok).toBe(true);
    expect(verifyApprovalLink(paramsOf(claims, OLD), [], 1_000)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('accepts a retiring key until its notAfter second included, for a link expiring by then', () => {
    const keys = [{ secret: OLD, notAfter: 2_000 }];
    expect(verifyApprovalLink(paramsOf(claims, OLD), keys, 2_000)).toEqual({ ok: true, claims });
  });

  it('refuses a retiring key once past its notAfter, even for a link expiring by then', () => {
    const keys = [{ secret: OLD, notAfter: 1_500 }];
    const early = { ...claims, expires: 1_400 };
    expect(verifyApprovalLink(paramsOf(early, OLD), keys, 1_000).ok).toBe(true);
    expect(verifyApprovalLink(paramsOf(early, OLD), keys, 1_501)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses a retiring key for a link expiring after its notAfter, even now', () => {
    const keys = [{ secret: OLD, notAfter: 1_999 }];
    expect(verifyApprovalLink(paramsOf(claims, OLD), keys, 1_000)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('keeps a key without notAfter for any time', () => {
    const late = { ...claims, expires: 9_000_000_000 };
    expect(verifyApprovalLink(paramsOf(late, OLD), [{ secret: OLD }], 8_999_999_999).ok).toBe(true);
  });
});

describe('linkNonceFor, linkNonceDigest and matchLinkNonce', () => {
  const KEY = 't'.repeat(64);

  it("is the token's HMAC under the task-token key: stable, one per token and key, not the announced approval id", () => {
    const token = 'AAAA-task-token';
    expect(linkNonceFor(token, KEY)).toBe(linkNonceFor(token, KEY));
    expect(linkNonceFor(token, KEY)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(linkNonceFor(`${token}x`, KEY)).not.toBe(linkNonceFor(token, KEY));
    expect(linkNonceFor(token, 'u'.repeat(64))).not.toBe(linkNonceFor(token, KEY));
    expect(linkNonceFor(token, KEY)).not.toBe(approvalIdFor(token));
    // Not what 0.2.0 derived from the token alone: the token without the key tells nothing of the nonce.
    const unkeyed = createHash('sha256').update(`goldsmith link nonce\n${token}`).digest('base64url').slice(0, 22);
    expect(linkNonceFor(token, KEY)).not.toBe(unkeyed);
  });

  it('matches a nonce by its digest under any of the link keys, or a 0.2.0 nonce held in the clear', () => {
    const digest = linkNonceDigest('abc', SECRET);
    expect(digest).not.toContain('abc');
    expect(matchLinkNonce('abc', { digests: new Set([digest]) }, [SECRET])).toEqual({ digest });
    // Made before a rotation: the previous key still matches it.
    expect(matchLinkNonce('abc', { digests: [digest] }, ['n'.repeat(64), SECRET])).toEqual({ digest });
    expect(matchLinkNonce('abd', { digests: [digest] }, [SECRET])).toBeUndefined();
    // The digest itself is no nonce.
    expect(matchLinkNonce(digest, { digests: [digest] }, [SECRET])).toBeUndefined();
    expect(matchLinkNonce('abc', { plain: 'abc' }, [SECRET])).toEqual({ plain: 'abc' });
    expect(matchLinkNonce('abd', { plain: 'abc' }, [SECRET])).toBeUndefined();
    expect(matchLinkNonce('abc', {}, [SECRET])).toBeUndefined();
  });
});
