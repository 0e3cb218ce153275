import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Proof that a door of Goldsmith (a signed link, a Slack button, the operator endpoint) made a recorded approval
 * decision. The ledger's decision fields can be written by anyone holding dynamodb:UpdateItem on the table; a
 * decision is delivered to Step Functions later (the reconciler, after an outage) only when it carries this MAC,
 * made with a key only the doors and the reconciler read. A forged decision has none, or one over other fields: a
 * genuine decision copied onto another request (another image, version, channel or task token) proves nothing there.
 */

/** What a decision proof covers: every field that changes what Step Functions is told, and by whom. */
export interface DecisionClaims {
  approvalId: string;
  image: string;
  version: string;
  channel: string;
  /** The task token the decision answers (signed as its SHA-256: the proof never carries the token). */
  taskToken: string;
  decision: 'approve' | 'reject';
  by: string;
  via: 'email' | 'slack' | 'operator';
  /** When the door decided (ISO 8601): the time the task is told. */
  at: string;
  /**
   * The digest of the diff the approver was shown (the request's `changes.digest`, core/sbom/approval-summary.ts), when
   * the request showed one. A diff recorded later may read otherwise: the decision still stands, and its proof names
   * the diff it was made on.
   */
  shown?: string | undefined;
}

/** The proof's format version, first in what it signs: a change of fields is a new version, never a collision. */
const PROOF_VERSION = 'goldsmith-decision-v2';
/** The format of a decision on a request that showed a diff: v2's fields, then the shown digest. */
const PROOF_VERSION_SHOWN = 'goldsmith-decision-v3';

function canonical(c: DecisionClaims): string {
  const token = createHash('sha256').update(c.taskToken).digest('hex');
  // A JSON array: no field's content can move the boundary to the next one.
  // A decision without a shown diff signs v2's fields alone, so proofs made before diffs were shown still prove.
  return JSON.stringify([
    c.shown === undefined ? PROOF_VERSION : PROOF_VERSION_SHOWN,
    c.approvalId,
    c.image,
    c.version,
    c.channel,
    token,
    c.decision,
    c.by,
    c.via,
    c.at,
    ...(c.shown === undefined ? [] : [c.shown]),
  ]);
}

/** The HMAC-SHA256 proof of a decision (base64url), made by the door that took it. */
export function decisionProof(claims: DecisionClaims, key: string): string {
  return createHmac('sha256', key).update(canonical(claims)).digest('base64url');
}

/**
 * Whether `proof` is a door's proof of exactly these claims under one of `keys` (the current key, and the one
 * before a rotation), compared in constant time. A missing proof is no proof.
 */
export function provesDecision(claims: DecisionClaims, proof: string | undefined, keys: readonly string[]): boolean {
  if (!proof) return false;
  const given = Buffer.from(proof);
  return keys.some((key) => {
    const expected = Buffer.from(decisionProof(claims, key));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

/**
 * Who decided, as people read it: what the person is (an approver) and the door they came through. An approver who
 * used the CLI came through the operator endpoint: that makes them no operator.
 */
export function approverDoorText(via: string): string {
  const doors: Record<string, string> = {
    email: 'approver, through their approval link',
    slack: 'approver, through Slack',
    operator: 'approver, through the operator endpoint',
  };
  return doors[via] ?? via;
}
