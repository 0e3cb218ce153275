import { parseDuration } from '../../core/duration.js';
import { failedTransiently } from '../../core/redrive/dead-letters.js';
import type { DeadLetter } from './invoke.js';
import { deadLetterText, eventOf, functionNameOf } from './timeline-dead-letters.js';

/** The re-drive's spacing between two tries of the same failing work (core/redrive/looks.ts): an hour. */
const REDRIVE_SPACING_MS = 3_600_000;

/**
 * How long a dead letter may stay unrecovered before the audit calls it a problem: the catalog's
 * `resilience.retryHorizon` (24 hours by default: how long the re-drive retries a transient failure) plus the
 * re-drive's hour, and never less than 25 hours, so that a daily schedule's next run falls within it.
 */
export function deadLetterBoundMs(retryHorizon: string): number {
  return Math.max(parseDuration(retryHorizon) * 1000, 24 * 3_600_000) + REDRIVE_SPACING_MS;
}

/**
 * The errors with which a function refuses an event by design, whole and before it acts: a malformed one
 * (core/errors.ts) and a fact the ledger contradicts (core/trust/facts.ts). Counted, not a failure, when someone
 * outside Goldsmith put the event (a scenario's sender); on an event of Goldsmith's own, a bug like any other.
 */
export const REFUSALS_BY_DESIGN: readonly string[] = ['MalformedEventError', 'FactContradictsLedgerError'];

/** A schedule's fixed input (the reconciler's, the sweep's, a build schedule's): its next run delivers it again. */
const isScheduleInput = (event: unknown): boolean =>
  typeof event === 'object' &&
  event !== null &&
  !('detail-type' in event) &&
  !Array.isArray((event as { Records?: unknown }).Records);

/**
 * `dead-letters-recovered` (docs/simulation/report.md, "The consistency audit"): every dead letter of Goldsmith's
 * functions, but an outside event refused by design, was recovered — the same invocation later succeeded (the
 * re-drive, the schedule's next run), the reconciler did its work, or the re-drive gave it up and announced it to a
 * person (`claim-refused`) — within `boundMs` of being dead-lettered. One younger than that at the end is
 * `recovering` when a later delivery is still to come (a transient failure the re-drive retries, a schedule's
 * input), and a problem otherwise: nothing would deliver it again.
 */
export function auditDeadLetters(
  letters: readonly DeadLetter[],
  end: number,
  boundMs: number,
): { problems: string[]; recovering: string[]; checks: Record<string, number> } {
  const problems: string[] = [];
  const recovering: string[] = [];
  let examined = 0;
  const hours = Math.round(boundMs / 3_600_000);
  for (const d of letters) {
    if (d.outside && REFUSALS_BY_DESIGN.includes(d.errorType)) continue;
    examined++;
    const failedAt = Date.parse(d.at);
    const what = `${functionNameOf(d.target)} on ${eventOf(d.event)}, dead-lettered at ${d.at} (${d.reason})`;
    if (d.recovered) {
      const late = Date.parse(d.recovered.at) - failedAt;
      if (late > boundMs)
        problems.push(`${what}: recovered only at ${d.recovered.at}, later than the audit's bound of ${hours} hours`);
      continue;
    }
    const comesAgain =
      isScheduleInput(d.event) ||
      failedTransiently({
        target: d.target,
        payload: d.event,
        error: d.errorType,
        message: '',
        via: 'lambda-destination',
      });
    if (end - failedAt <= boundMs && comesAgain) {
      recovering.push(`${what}: not recovered yet; ${deadLetterText(d).split('; ').pop()}`);
      continue;
    }
    problems.push(
      comesAgain
        ? `${what}: not recovered within ${hours} hours`
        : `${what}: not recovered, and nothing delivers it again (a permanent failure of a one-off event)`,
    );
  }
  return { problems, recovering, checks: { 'dead-letters-recovered': examined } };
}
