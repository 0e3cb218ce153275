import type { PromotionOutcome } from './types.js';

/**
 * Promotion rounds of one build. The promotion a build's AVAILABLE event starts is its round 1. Once the version was
 * revoked and then restored, `goldsmith promote IMAGE VERSION --through-gates` starts round 2 (3 after a second
 * revocation and restore, …): the same build through every channel's gates again, from the first channel. The
 * earlier round's promotion, gate, approval and soak items are archived first (core/ledger/keys.ts
 * `archivedRoundSk`), so the round runs the normal promotion path on a clean slate, and its approval requests are
 * new ones (new task tokens, new ids and link nonces): no link or token of an earlier round decides it.
 */

/** How one round began (round 1 began with the build: it has no entry). */
export interface RoundStart {
  round: number;
  /** The revocation this round follows (its `revokedAt`): one round per restore. */
  forRevokedAt: string;
  at: string;
  by: string;
  reason: string;
  executionName: string;
  /** How many items of the round before were archived. */
  archived: number;
}

/** The round record (`ROUND#<v>#current`): the current round and how each round after the first began. */
export interface RoundRecord {
  image: string;
  version: string;
  round: number;
  rounds: RoundStart[];
  /** The execution of the current round, once Step Functions confirmed its start (absent until then). */
  executionStarted?: string | undefined;
}

/** One channel decision of the current round, as the ledger holds it (`PROMOTION#<v>#<channel>`). */
export interface RoundOutcome {
  channel: string;
  outcome: PromotionOutcome;
}

/** The revocation state of the version, as `REVOCATION#<v>` holds it (absent: never revoked). */
export interface RoundRevocation {
  state: 'requested' | 'revoked' | 'restored';
  at: string;
  revokedAt?: string | undefined;
  restoredAt?: string | undefined;
}

/** What the command decides before anything changes. */
export type RoundVerdict =
  | { start: true; round: number; forRevokedAt: string }
  | { start: false; repeat: RoundStart }
  | { start: false; status: 404 | 409; refusal: string };

/** The revocation a restore took back: its time, what one round per restore is keyed by. */
export function revokedAtOf(revocation: RoundRevocation): string {
  return revocation.revokedAt ?? revocation.at;
}

/**
 * Whether the current round is still running: no channel stopped it (rejected, expired, aborted), not every channel
 * promoted it, or it is paused. This is how `status` tells a build in flight.
 */
export function roundRunning(
  channels: readonly string[],
  outcomes: readonly RoundOutcome[],
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
 * was never revoked, or a round of it is still running; a repeat of the request that started this restore's round
 * (same caller and reason) is that round again, not a second one, and so is any request while that round's start is
 * not confirmed; another request for a restore whose round already began is refused.
 */
export function decideRound(input: {
  what: string;
  revocation: RoundRevocation | undefined;
  record: RoundRecord | undefined;
  running: { running: false } | { running: true; at: string };
  by: string;
  reason: string;
}): RoundVerdict {
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
  const current = record?.round ?? 1;
  const forThisRestore = record?.rounds.find((r) => r.forRevokedAt === revokedAtOf(revocation));
  const repeat = sameRequest(record, revocation, input);
  if (repeat) return { start: false, repeat };
  // Recorded but its execution's start never confirmed (the request that began it failed after the archive): any
  // request for this restore finishes that round rather than being told it runs.
  if (forThisRestore && record?.executionStarted !== forThisRestore.executionName) {
    return { start: false, repeat: forThisRestore };
  }
  if (running.running) {
    return {
      start: false,
      status: 409,
      refusal: `round ${current} of ${what}'s promotion is still running (${running.at}): nothing started. Nothing changed.`,
    };
  }
  if (forThisRestore) {
    return {
      start: false,
      status: 409,
      refusal: `${what} went through its gates again since its restore (round ${forThisRestore.round}, started by ${forThisRestore.by} at ${forThisRestore.at}): it is where they put it. Nothing changed.`,
    };
  }
  return { start: true, round: current + 1, forRevokedAt: revokedAtOf(revocation) };
}

/** The round this restore's request (same caller and reason) already began, if it did. */
export function sameRequest(
  record: RoundRecord | undefined,
  revocation: RoundRevocation,
  request: { by: string; reason: string },
): RoundStart | undefined {
  return record?.rounds.find(
    (r) => r.forRevokedAt === revokedAtOf(revocation) && r.by === request.by && r.reason === request.reason,
  );
}

/**
 * Refused for an image whose channels roll out to member Auto Scaling groups: a channel's rollout is named after its
 * image, channel and version (core/rollout/request.ts), so the round before holds that name and Publish would not
 * start the rollout of a later round. Undefined when no channel of the round rolls out.
 */
export function rolloutRoundRefusal(what: string, rollingChannels: readonly string[]): string | undefined {
  return rollingChannels.length === 0
    ? undefined
    : `${what}: ${rollingChannels.join(', ')} roll(s) out to member Auto Scaling groups, which a promotion round after the first does not start again: nothing started. Nothing changed.`;
}

/** How many items one archiving transaction may carry: TransactWriteItems takes at most 100 actions. */
export const MAX_ROUND_ACTIONS = 100;

/** The actions archiving `items` takes: the round record, then a copy and a delete per item. */
export function archiveActions(items: number): number {
  return 1 + 2 * items;
}
