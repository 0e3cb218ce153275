/**
 * Within one instant, what caused what, by the kind of ledger record a line tells (the first part of its sort key):
 * an operator's request before what it did; a resumption before everything its new execution does; a revocation before the rebuild decided with it and before
 * the aborts and roll-backs it made; a build before its outcome; per channel in promotion order, the soak, the
 * outcome, the grant and the pointer move before the next channel's approval request. `history` and the simulator's
 * timeline both order same-instant lines by it. Pure.
 */
export const CAUSAL_RANK: Readonly<Record<string, number>> = {
  // An operator's request (approve, rollback, revoke…) before everything it did at its instant.
  REQUEST: -2,
  RESUMED: -1,
  // Findings that arrived before what they led to (a revocation, a rebuild).
  FOUND: -0.75,
  // A revocation before the rebuild decided with it (a finding revokes and rebuilds at one instant), and before the
  // aborts of the promotions built on it that it ended at once.
  REVOCATION: -0.5,
  DECISION: 0,
  BUILD: 1,
  'BUILD-STATUS': 2,
  PIPELINE: 3,
  SOAK: 4,
  'SOAK-END': 5,
  APPROVAL: 6,
  'APPROVAL-DECISION': 7,
  PROMOTION: 8,
  WITHDRAWN: 8.5,
  SHARE: 9,
  'REVOKE-AT': 10,
  RETIRE: 11,
  // A scheduled revocation superseded by a revocation is its effect: it reads after the revocation.
  SUPERSEDED: 11.5,
  ROLLBACK: 12,
  DRIFT: 13,
  PAUSED: 14,
  // A rollout's lines (core/status/rollout-history.ts ROLLOUT_LINE_KINDS, in that order): after the pointer moved
  // (PROMOTION) and after a revocation's roll-back (ROLLBACK); a wave ends before the rollout halts or completes, the
  // halt before the wave's rollback it caused, an operator's resumption before the wave it lets start.
  'ROLLOUT-WAVE-END': 13.1,
  'ROLLOUT-END': 13.2,
  'ROLLOUT-WAVE-BACK': 13.25,
  'ROLLOUT-ACTION': 13.3,
  'ROLLOUT-SKIPPED': 13.4,
  'ROLLOUT-WAVE-START': 13.5,
};

/** The rank of a kind of record the table does not name: after every one it names. */
export const UNRANKED = 20;

/** The causal rank of a kind of ledger record (see {@link CAUSAL_RANK}). */
export const causalRank = (kind: string): number => CAUSAL_RANK[kind] ?? UNRANKED;
