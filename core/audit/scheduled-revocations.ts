/**
 * The audit of revocations asked for a later time (`revoke --at`, pure). Their EventBridge Scheduler schedule is
 * the only thing that carries them out; deleted (or disabled) by someone with `scheduler:DeleteSchedule`, the
 * revocation silently never happens while the ledger still says "scheduled". A one-time schedule with
 * `ActionAfterCompletion: DELETE` also deletes itself once it has fired
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-delete.html), so after its time an absent
 * schedule says nothing: what matters then is whether the revocation happened.
 */

/** What the schedule looks like now (GetSchedule): gone, firing at another time, disabled, or as made. */
export type ScheduleState = 'present' | 'absent' | 'other-time' | 'disabled';

/** What to do about one scheduled revocation. */
export type ScheduledRevocationAction =
  /** Cancelled, already revoked, or its schedule is in place: nothing. */
  | { kind: 'none' }
  /** Due a while ago, neither revoked nor cancelled: carried out now, through the path its schedule takes. */
  | { kind: 'carry-out'; overdueMs: number }
  /** Not yet due, and its schedule will not fire at the time asked: said loudly, before the time passes. */
  | { kind: 'schedule-broken'; schedule: Exclude<ScheduleState, 'present'> };

/**
 * How long after its time a revocation may still be on its way: Scheduler invokes on-lifecycle-request
 * asynchronously and Lambda retries a failed invocation (twice, minutes apart), so the audit waits an hour before
 * it takes a revocation for one that never happened.
 */
export const OVERDUE_GRACE_MS = 60 * 60_000;

/** Whether the schedule must be read to decide (only for a revocation still to come: after it, the schedule is moot). */
export function needsScheduleRead(r: { dueAt: string; cancelled: boolean; revoked: boolean }, now: Date): boolean {
  return !r.cancelled && !r.revoked && Date.parse(r.dueAt) > now.getTime();
}

/**
 * Decides what the audit does about one scheduled revocation. `schedule` is what GetSchedule answered (only asked
 * when {@link needsScheduleRead} says so).
 */
export function scheduledRevocationAction(
  r: { dueAt: string; cancelled: boolean; revoked: boolean },
  schedule: ScheduleState | undefined,
  now: Date,
): ScheduledRevocationAction {
  if (r.cancelled || r.revoked) return { kind: 'none' };
  const due = Date.parse(r.dueAt);
  if (Number.isNaN(due)) return { kind: 'none' };
  const overdueMs = now.getTime() - due;
  if (overdueMs >= OVERDUE_GRACE_MS) return { kind: 'carry-out', overdueMs };
  if (overdueMs >= 0 || schedule === undefined || schedule === 'present') return { kind: 'none' };
  return { kind: 'schedule-broken', schedule };
}

/** The ledger's sort key of what the audit found about one scheduled revocation. */
export function revocationDriftSk(version: string, dueAt: string, action: ScheduledRevocationAction): string {
  const what = action.kind === 'schedule-broken' ? `schedule-${action.schedule}` : 'overdue';
  return `DRIFT#revoke-at#${version}#${dueAt}#${what}`;
}
