import { type Change, changeIdOf } from '../../core/triggers/change.js';
import { scheduledBuildSchema } from '../../events/scheduled-build.js';
import type { DeadLetter } from './invoke.js';

/**
 * Work the reconciler finishes for a delivery that was lost. A schedule firing whose start-builds invocation failed
 * before it could record anything (the ledger itself was down) is dead-lettered unrecorded, so the re-drive will not
 * invoke it again, and a monthly schedule's next firing carries another window: the reconciler re-derives the firing
 * and issues its change instead (functions/reconcile-intents.ts). The simulator counts that as the same work done.
 */

/** How the timeline and the report name the reconciler as what finished a lost delivery's work. */
export const FINISHED_BY_RECONCILER = 'the reconciler, which issued its change';

/**
 * How they name a dead letter the re-drive gave up on: one whose failure the handler could not record (the ledger was
 * down) is never invoked again, but kept in its queue for a person and announced (`claim-refused`), which ends it as
 * far as the outage is concerned (functions/redrive/recorded.ts).
 */
export const GIVEN_UP_AND_ANNOUNCED = 'given up by the re-drive: kept for a person and announced (claim-refused)';

/** True when a `claim-refused` announcement names this dead letter's request (its `found`: `<function>, request <id>`). */
export function refusalNames(message: string, letter: Pick<DeadLetter, 'requestId'>): boolean {
  return message.includes(`request ${letter.requestId}`);
}

/** The change ids a reconciler run issued builds for, from what it returned (`intents` of its report). */
export function changesIssuedBy(result: unknown): Set<string> {
  const intents = (result as { intents?: { reissued?: unknown; schedulesRederived?: unknown } } | null)?.intents;
  const ids = [intents?.reissued, intents?.schedulesRederived].flatMap((list) => (Array.isArray(list) ? list : []));
  return new Set(ids.filter((id): id is string => typeof id === 'string'));
}

/** The change id a dead-lettered schedule firing carried, as start-builds names it; undefined for anything else. */
export function scheduledChangeOf(letter: Pick<DeadLetter, 'event'>): string | undefined {
  const parsed = scheduledBuildSchema.safeParse(letter.event);
  if (!parsed.success) return undefined;
  const change: Change = { kind: 'schedule', image: parsed.data.image, scheduledTime: parsed.data.window };
  return changeIdOf(change);
}
