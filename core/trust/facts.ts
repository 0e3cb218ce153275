import type { ImagePromotedDetail } from '../../events/image-promoted.js';
import { GoldsmithError } from '../errors.js';

/**
 * Facts on Goldsmith's bus are checked against the ledger before anything acts on them: the bus policy decides who
 * may speak, the ledger decides whether what they say is true. A contradicted fact is refused whole, with the reason.
 */
export class FactContradictsLedgerError extends GoldsmithError {
  constructor(readonly reason: string) {
    super(`fact refused: ${reason}`);
    this.name = 'FactContradictsLedgerError';
  }
}

/** What the ledger holds about one build's channel. */
export interface RecordedOutcome {
  outcome: string;
  amis?: readonly { region: string; imageId: string }[] | undefined;
}

/**
 * Why an "Image Promoted" contradicts the ledger, or undefined when the ledger agrees: the ledger must hold a
 * `promoted` outcome for that image, version and channel, and the event's AMIs must be the ones recorded.
 */
export function imagePromotedContradiction(
  fact: ImagePromotedDetail,
  recorded: RecordedOutcome | undefined,
): string | undefined {
  const what = `"Image Promoted" ${fact.image} ${fact.version} to ${fact.channel}`;
  if (!recorded) return `${what}: the ledger never promoted that version to that channel`;
  if (recorded.outcome !== 'promoted') return `${what}: the ledger records it ${recorded.outcome}`;
  if (recorded.amis) {
    const key = (amis: readonly { region: string; imageId: string }[]) =>
      amis
        .map((a) => `${a.region}=${a.imageId}`)
        .sort()
        .join(',');
    if (key(recorded.amis) !== key(fact.amis)) {
      return `${what}: AMIs ${key(fact.amis)} differ from the promoted ${key(recorded.amis)}`;
    }
  }
  return undefined;
}

/** What the ledger holds that makes an "Image Revoked" one to act on. */
export interface RecordedRevocations {
  /**
   * The image partition's `REVOCATION#<version>` item: `requested` (a finding over policy, waiting for an operator)
   * or `revoked` (the revoking function marked it before it put the fact).
   */
  revocation?:
    | {
        reason: string;
        by?: string | undefined;
        state: 'requested' | 'revoked' | 'restored';
        /** When it was first recorded (requested, or revoked at once). */
        at?: string | undefined;
        /** When it was carried out (once revoked; an item written before this field has only `at`). */
        revokedAt?: string | undefined;
        restoredAt?: string | undefined;
        /** A new finding of a severity a promoted channel's `revokeOn` names: revoke at once (on-finding). */
        atOnce?: RevocationAtOnce | undefined;
      }
    | undefined;
  /** The image partition's `REVOKE-AT#<version>` item (a revocation asked for a later time). */
  scheduled?: { reason: string; by: string; dueAt: string; cancelledAt?: string | undefined } | undefined;
}

/**
 * What on-finding records on a version's `REVOCATION#` item when a new finding's severity is one a promoted channel's
 * `vulnerabilities.revokeOn` names, before it hands on-lifecycle-request the "Image Revoked" that carries it out:
 * why, by whom, and the finding's time, which is the event's `revokedAt`.
 */
export interface RevocationAtOnce {
  reason: string;
  by: string;
  at: string;
}

/**
 * The revocation to carry out (what the ledger says: reason, who, and its time: the time the ledger records for one
 * carried out already, never the payload's, which could otherwise be replayed with any), or why the fact is refused.
 */
export type RevocationDecision =
  | { act: true; reason: string; by: string; at: string }
  | { act: false; contradiction: string };

/**
 * Whether an "Image Revoked" for `fact.image` `fact.version` is one the ledger records, whoever put or invoked it:
 * a `REVOCATION#` item marked `revoked` (the revoking function marks it before it puts the fact; a revocation only
 * `requested` by a finding waits for an operator and is never carried out by a fact, unless the item also says
 * `atOnce`, at the fact's `revokedAt`, for a finding a channel's `revokeOn` names, and no operator restored the
 * version since), or a scheduled revocation (`revoke
 * --at`) not cancelled whose due time is the fact's `revokedAt` and has come (Scheduler never fires a one-time
 * schedule early). The revocation is carried out with the reason and the requester the ledger records, never the
 * payload's.
 */
export function imageRevokedDecision(
  fact: { image: string; version: string; revokedAt: string },
  recorded: RecordedRevocations,
  now: Date,
): RevocationDecision {
  const what = `"Image Revoked" ${fact.image} ${fact.version}`;
  if (recorded.revocation?.state === 'revoked') {
    const { reason, by, revokedAt, at } = recorded.revocation;
    return { act: true, reason, by: by ?? 'goldsmith', at: revokedAt ?? at ?? fact.revokedAt };
  }
  const s = recorded.scheduled;
  // Restored by an operator since: a fact delivered again revokes nothing; only a revocation scheduled after the
  // restore (due later than it) is carried out, as below.
  const restoredAt = recorded.revocation?.state === 'restored' ? Date.parse(recorded.revocation.restoredAt ?? '') : NaN;
  const atOnce = recorded.revocation?.atOnce;
  if (atOnce?.at === fact.revokedAt && !(Date.parse(atOnce.at) <= restoredAt)) {
    return { act: true, reason: atOnce.reason, by: atOnce.by, at: atOnce.at };
  }
  if (recorded.revocation?.state === 'restored' && !(s && Date.parse(s.dueAt) > restoredAt)) {
    return { act: false, contradiction: `${what}: an operator restored it since it was revoked` };
  }
  if (!s) {
    const only = recorded.revocation ? ' carried out (one is only requested, waiting for an operator)' : '';
    return { act: false, contradiction: `${what}: the ledger records no revocation of that version${only}` };
  }
  if (s.cancelledAt) return { act: false, contradiction: `${what}: its scheduled revocation was cancelled` };
  if (s.dueAt !== fact.revokedAt) {
    return { act: false, contradiction: `${what}: the ledger schedules it for ${s.dueAt}, not ${fact.revokedAt}` };
  }
  if (now.getTime() < Date.parse(s.dueAt)) {
    return { act: false, contradiction: `${what}: its scheduled revocation is not due until ${s.dueAt}` };
  }
  return { act: true, reason: s.reason, by: s.by, at: s.dueAt };
}
