import { causalRank } from '../../core/ledger/causal-order.js';
import type { LIFECYCLE_EVENTS, TimelineEntry } from './timeline-entry.js';

/** Where a timeline line goes among those of one instant: `history`'s causal order. */

/** The kind of ledger record each lifecycle announcement tells, for its causal rank. */
const LIFECYCLE_RECORD: Record<(typeof LIFECYCLE_EVENTS)[number], string> = {
  revoked: 'REVOCATION',
  // Recorded on the version's revocation record (aws/lifecycle/revocation-marks.ts).
  'version-restored': 'REVOCATION',
  'rolled-back': 'ROLLBACK',
  paused: 'PAUSED',
  resumed: 'RESUMED',
  'builds-paused': 'PIPELINE',
  'revocation-scheduled': 'REVOKE-AT',
  'revocation-cancelled': 'REVOKE-AT',
  'pointer-withdrawn': 'ROLLBACK',
  'findings-reported': 'FOUND',
};

/** The rollout line kind (core/status/rollout-history.ts) each rollout mark tells, for its causal rank. */
const ROLLOUT_RECORD: Record<string, string> = {
  'wave-started': 'ROLLOUT-WAVE-START',
  'wave-healthy': 'ROLLOUT-WAVE-END',
  'wave-failed': 'ROLLOUT-WAVE-END',
  'wave-cancelled': 'ROLLOUT-WAVE-END',
  'wave-rolled-back': 'ROLLOUT-WAVE-BACK',
  'rollout-halted': 'ROLLOUT-END',
  'rollout-completed': 'ROLLOUT-END',
  'rollout-action': 'ROLLOUT-ACTION',
};

/** A `note`'s outcome when it tells an operator's request (an acting command sent to the endpoint, and its answer). */
export const OPERATOR_REQUEST = 'operator-request';

/** The kind of ledger record an entry tells (core/ledger/causal-order.ts), or undefined for the run's own lines. */
function recordKind(entry: TimelineEntry): string | undefined {
  switch (entry.kind) {
    case 'note':
      return entry.outcome === OPERATOR_REQUEST ? 'REQUEST' : undefined;
    case 'build-requested':
      return 'BUILD';
    case 'build-finished':
      return 'BUILD-STATUS';
    case 'approval-requested':
      return 'APPROVAL';
    case 'approval-answered':
      return 'APPROVAL-DECISION';
    case 'outcome':
      return 'PROMOTION';
    case 'lifecycle':
      return LIFECYCLE_RECORD[entry.outcome as (typeof LIFECYCLE_EVENTS)[number]];
    case 'rollout':
      return ROLLOUT_RECORD[entry.outcome ?? ''];
    default:
      return undefined;
  }
}

/**
 * Where an entry goes among those of one instant: `history`'s causal order (core/ledger/causal-order.ts, one
 * definition) — what concerns no channel first, then each channel in promotion order, and within each the ledger's
 * cause-before-effect rank: a revocation before the aborts and rebuilds it caused, a build before its outcome, an
 * approval request before its answer and the outcome. A cascade build is caused by its parent's promotion in the
 * same instant: it comes after everything else then; the run's own lines (notes, dead letters) last.
 */
export function step(entry: TimelineEntry, channels: readonly string[]): number {
  if (entry.kind === 'build-requested' && entry.text.endsWith('(cascade)')) return 10_000;
  const kind = recordKind(entry);
  if (kind === undefined) return 100_000;
  const channel = entry.channel ? channels.indexOf(entry.channel) : -1;
  return (channel + 1) * 100 + causalRank(kind);
}
