import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What an approve/reject link says; every field is covered by the signature. */
export interface ApprovalLinkClaims {
  /** Short id of the APPROVAL# ledger item holding the (long) task token. */
  id: string;
  image: string;
  version: string;
  channel: string;
  decision: 'approve' | 'reject';
  by: string;
  /** Expiry, seconds since the epoch. */
  expires: number;
  /**
   * The request's link nonce: unguessable, held only in the ledger's approval record and in the links sent to its
   * approvers (never announced), so a signature made with the key alone, over an approval id read from an
   * announcement, names no request the callback knows.
   */
  nonce: string;
}

/** The short approval id for a task token: stable, so a retried request task reuses the same id and links. */
export function approvalIdFor(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('base64url').slice(0, 22);
}

function canonical(c: ApprovalLinkClaims): string {
  return [c.id, c.image, c.version, c.channel, c.decision, c.by, String(c.expires), c.nonce].join('\n');
}

/** The HMAC-SHA256 signature of a link's claims (base64url). */
export function signClaims(claims: ApprovalLinkClaims, secret: string): string {
  return createHmac('sha256', secret).update(canonical(claims)).digest('base64url');
}

/** A signed link: `base` plus the claims and `sig` as query parameters. */
export function approvalLink(base: string, claims: ApprovalLinkClaims, secret: string): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(claims)) url.searchParams.set(k, String(v));
  url.searchParams.set('sig', signClaims(claims, secret));
  return url.toString();
}

/**
 * The link nonce of a request waiting on `taskToken`: an HMAC of the token under the task-token key (`key`, which
 * the ledger's readers do not hold), so it is as unguessable as the token and tells nothing of it, and the same for
 * the same token and key, so a replayed run signs the same links. The ledger never holds it: only its digest
 * ({@link linkNonceDigest}); the links sent to the request's approvers carry it.
 */
export function linkNonceFor(taskToken: string, key: string): string {
  return createHmac('sha256', key).update(`goldsmith link nonce\n${taskToken}`).digest('base64url').slice(0, 22);
}

/**
 * What the ledger holds of a link nonce: its HMAC under the approval-link key (`key`). The callback recomputes it from
 * the nonce a link carries; a reader of the ledger, even one holding that key, cannot turn it back into the nonce
 * (132 random-looking bits, derived from a token they cannot read) and so cannot sign a link the callback takes.
 */
export function linkNonceDigest(nonce: string, key: string): string {
  return createHmac('sha256', key).update(`goldsmith link nonce digest\n${nonce}`).digest('base64url');
}

/** How a request holds its link nonces: digests (this release), or one nonce in the clear (written by 0.2.0). */
export interface HeldNonces {
  /** Digests of the unspent nonces of links sent for the request (one per attempt that sent links). */
  digests?: ReadonlySet<string> | readonly string[] | undefined;
  /** A 0.2.0 request's nonce, in the clear: its links keep working until they expire. */
  plain?: string | undefined;
}

/** How a link's nonce is held by its request, if it is: the digest it matched, or the 0.2.0 nonce in the clear. */
export type NonceMatch = { digest: string } | { plain: string };

/**
 * Whether a link's nonce is one its request holds: its digest under one of `keys` (the approval-link key versions
 * the link may be signed with) among `held.digests`, or (0.2.0) equal to `held.plain` (constant-time compare).
 */
export function matchLinkNonce(given: string, held: HeldNonces, keys: readonly string[]): NonceMatch | undefined {
  const digests = [...(held.digests ?? [])];
  for (const key of keys) {
    const digest = linkNonceDigest(given, key);
    if (digests.some((d) => sameText(d, digest))) return { digest };
  }
  return held.plain !== undefined && sameText(given, held.plain) ? { plain: held.plain } : undefined;
}

function sameText(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * A key a link may be signed with. `notAfter` (seconds since the epoch) bounds a key that is being retired (the
 * version before a rotation): it verifies only links that expire by then, and only until then.
 */
export interface ApprovalKey {
  secret: string;
  notAfter?: number | undefined;
}

/** The verdict on an incoming link. */
export type LinkVerdict = { ok: true; claims: ApprovalLinkClaims } | { ok: false; reason: string };

function signedWith(claims: ApprovalLinkClaims, sig: string, key: ApprovalKey, nowSeconds: number): boolean {
  if (key.notAfter !== undefined && (nowSeconds > key.notAfter || claims.expires > key.notAfter)) return false;
  const expected = Buffer.from(signClaims(claims, key.secret));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Checks a link's query parameters: every claim present, the signature right (constant-time compare) with one of
 * `keys` (a secret alone is the one current key), not expired. The signature covers every claim, the approver
 * (`by`) included: a link works only as the approver it names, whoever holds it.
 */
export function verifyApprovalLink(
  params: Readonly<Record<string, string | undefined>>,
  keys: string | readonly ApprovalKey[],
  nowSeconds: number,
): LinkVerdict {
  const { id, image, version, channel, decision, by, expires, nonce, sig } = params;
  if (!id || !image || !version || !channel || !by || !expires || !nonce || !sig) {
    return { ok: false, reason: 'missing link parameters' };
  }
  if (decision !== 'approve' && decision !== 'reject')
    return { ok: false, reason: 'decision must be approve or reject' };
  const expiresAt = Number(expires);
  if (!Number.isInteger(expiresAt)) return { ok: false, reason: 'expires is not a time' };
  const claims: ApprovalLinkClaims = { id, image, version, channel, decision, by, expires: expiresAt, nonce };
  const candidates = typeof keys === 'string' ? [{ secret: keys }] : keys;
  if (!candidates.some((key) => signedWith(claims, sig, key, nowSeconds)))
    return { ok: false, reason: 'bad signature' };
  if (nowSeconds > expiresAt) return { ok: false, reason: 'link expired' };
  return { ok: true, claims };
}
