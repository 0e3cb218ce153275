import { openRolloutStates, type RolloutRecord } from '../rollout/record.js';
import { followedByItsExecution, planSupersede } from '../rollout/supersede.js';
import type { PromotionOutcome } from './types.js';

/**
 * Promotion attempts of one build. The promotion a build's AVAILABLE event starts is its attempt 1. Once the version was
 * revoked and then restored, `goldsmith promote IMAGE VERSION --through-gates` starts attempt 2 (3 after a second
 * revocation and restore, …): the same build through every channel's gates again, from the first channel. The
 * earlier attempt's promotion, gate, approval and soak items are archived first (core/ledger/keys.ts
 * `archivedAttemptSk`), so the attempt runs the normal promotion path on a clean slate, and its approval requests are
 * new ones (new task tokens, new ids and link nonces): no link or token of an earlier attempt decides it.
 */

/** How one attempt began (attempt 1 began with the build: it has no entry). */
export interface AttemptStart {
  attempt: number;
  /** The revocation this attempt follows (its `revokedAt`): one attempt per restore. */
  forRevokedAt: string;
  at: string;
  by: string;
  reason: string;
  executionName: string;
  /** How many items of the attempt before were archived. */
  archived: number;
}

/** The attempt record (`ATTEMPT#<v>#current`): the current attempt and how each attempt after the first began. */
export interface AttemptRecord {
  image: string;
  version: string;
  attempt: number;
  attempts: AttemptStart[];
  /** The execution of the current attempt, once Step Functions confirmed its start (absent until then). */
  executionStarted?: string | undefined;
}

/** One channel decision of the current attempt, as the ledger holds it (`PROMOTION#<v>#<channel>`). */
export interface AttemptOutcome {
  channel: string;
  outcome: PromotionOutcome;
}

/** The revocation state of the version, as `REVOCATION#<v>` holds it (absent: never revoked). */
export interface AttemptRevocation {
  state: 'requested' | 'revoked' | 'restored';
  at: string;
  revokedAt?: string | undefined;
  restoredAt?: string | undefined;
}

/** What the command decides before anything changes. */
export type AttemptVerdict =
  | { start: true; attempt: number; forRevokedAt: string }
  | { start: false; repeat: AttemptStart }
  | { start: false; status: 404 | 409; refusal: string };

/** The revocation a restore took back: its time, what one attempt per restore is keyed by. */
export function revokedAtOf(revocation: AttemptRevocation): string {
  return revocation.revokedAt ?? revocation.at;
}

/**
 * Whether the current attempt is still running: no channel stopped it (rejected, expired, aborted), not every channel
 * promoted it, or it is paused. This is how `status` tells a build in flight.
 */
export function attemptRunning(
  channels: readonly string[],
  outcomes: readonly AttemptOutcome[],
  paused: { channel: string } | undefined,
): { running: false } | { running: true; at: string } {
  if (paused) return { running: true, at: `paused at ${paused.channel}` };
  if (outcomes.some((o) => o.outcome !== 'promoted')) return { running: false };
  const promoted = new Set(outcomes.map((o) => o.channel));
  const next = channels.find((c) => !promoted.has(c));
  return next === undefined ? { running: false } : { running: true, at: `at ${next}` };
}

/**
 * Decides `promote IMAGE VERSION --through-gates`: refused, changing nothing, when the version is still revoked,
 * was never revoked, or an attempt of it is still running; a repeat of the request that started this restore's attempt
 * (same caller and reason) is that attempt again, not a second one, and so is any request while that attempt's start is
 * not confirmed; another request for a restore whose attempt already began is refused.
 */
export function decideAttempt(input: {
  what: string;
  revocation: AttemptRevocation | undefined;
  record: AttemptRecord | undefined;
  running: { running: false } | { running: true; at: string };
  by: string;
  reason: string;
}): AttemptVerdict {
  const { what, revocation, record, running } = input;
  if (revocation === undefined) {
    return {
      start: false,
      status: 409,
      refusal: `${what} was never revoked: it is where its gates put it. Nothing changed.`,
    };
  }
  if (revocation.state !== 'restored') {
    const requested = revocation.state === 'requested' ? ' (its revocation is requested)' : '';
    return {
      start: false,
      status: 409,
      refusal: `${what} is still revoked${requested}: restore it first (goldsmith restore ${what} --reason R). Nothing changed.`,
    };
  }
  const current = record?.attempt ?? 1;
  const forThisRestore = record?.attempts.find((r) => r.forRevokedAt === revokedAtOf(revocation));
  const repeat = sameRequest(record, revocation, input);
  if (repeat) return { start: false, repeat };
  // Recorded but its execution's start never confirmed (the request that began it failed after the archive): any
  // request for this restore finishes that attempt rather than being told it runs.
  if (forThisRestore && record?.executionStarted !== forThisRestore.executionName) {
    return { start: false, repeat: forThisRestore };
  }
  // The current attempt was recorded for an earlier restore and its start never confirmed: the version was revoked
  // and restored again since, so that attempt never ran and never will; it does not hold this restore back.
  const latest = record?.attempts.find((r) => r.attempt === current);
  const neverStarted =
    latest !== undefined && latest !== forThisRestore && record?.executionStarted !== latest.executionName;
  if (running.running && !neverStarted) {
    return {
      start: false,
      status: 409,
      refusal: `attempt ${current} of ${what}'s promotion is still running (${running.at}): nothing started. Nothing changed.`,
    };
  }
  if (forThisRestore) {
    return {
      start: false,
      status: 409,
      refusal: `${what} went through its gates again since its restore (attempt ${forThisRestore.attempt}, started by ${forThisRestore.by} at ${forThisRestore.at}): it is where they put it. Nothing changed.`,
    };
  }
  return { start: true, attempt: current + 1, forRevokedAt: revokedAtOf(revocation) };
}

/** The attempt this restore's request (same caller and reason) already began, if it did. */
export function sameRequest(
  record: AttemptRecord | undefined,
  revocation: AttemptRevocation,
  request: { by: string; reason: string },
): AttemptStart | undefined {
  return record?.attempts.find(
    (r) => r.forRevokedAt === revokedAtOf(revocation) && r.by === request.by && r.reason === request.reason,
  );
}

/**
 * Refused while a rollout of the version still moves groups: running or paused, a halted one whose own execution
 * follows its wave's rollback, or one the revocation superseded whose groups are still on their way back (by its
 * own execution, or by a take-back that is open work). Archiving it then would take the record from under the
 * execution that writes it. An ended rollout is archived with the attempt (core/ledger/keys.ts), and the next
 * attempt's Publish starts a rollout of its own (core/rollout/request.ts `rolloutExecutionName`). Undefined: none.
 */
export function rolloutStillMoving(what: string, rollouts: readonly RolloutRecord[]): string | undefined {
  const moving = rollouts.filter(
    (r) =>
      openRolloutStates.includes(r.state) ||
      r.openWork !== undefined ||
      followedByItsExecution(r) ||
      (r.state === 'superseded' && r.takenBack === undefined && planSupersede(r).kind !== 'ended'),
  );
  if (moving.length === 0) return undefined;
  const which = moving.map((r) => `${r.channel} (${r.state})`).join(', ');
  return `${what}'s rollout to ${which} still moves groups: a new attempt starts once it ended. Nothing changed.`;
}

/** How many items one archiving transaction may carry: TransactWriteItems takes at most 100 actions. */
export const MAX_ATTEMPT_ACTIONS = 100;

/** The actions archiving `items` takes: the attempt record, then a copy and a delete per item. */
export function archiveActions(items: number): number {
  return 1 + 2 * items;
}
