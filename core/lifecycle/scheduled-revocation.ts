import { createHash } from 'node:crypto';

/**
 * A revocation asked for a later time: an EventBridge Scheduler one-time schedule that puts the "Image Revoked"
 * event to on-lifecycle-request at that time. Pure: the schedule's name, its `at()` expression, and what a repeat
 * of the request means.
 */

/**
 * Schedule names: 1 to 64 of `[0-9a-zA-Z-_.]`
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html, "Name").
 */
export const SCHEDULE_NAME_MAX = 64;
const SCHEDULE_NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

/**
 * The one schedule name of the revocation of `version` of `image`: `<image>_<x.y.z>_<build>`. Catalog names have no
 * `_` and versions no `_`, so two (image, version) pairs never share a name; a name over 64 characters keeps its
 * first 51 and ends in `-` and 12 hex digits of its SHA-256, which no untruncated name can end in (those end in
 * `_<digits>`).
 */
export function revocationScheduleName(image: string, version: string): string {
  const full = `${image}_${version.replace('/', '_')}`;
  if (full.length <= SCHEDULE_NAME_MAX) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 12);
  return `${full.slice(0, SCHEDULE_NAME_MAX - 13)}-${hash}`;
}

/** True for a name EventBridge Scheduler accepts. */
export function isScheduleName(name: string): boolean {
  return SCHEDULE_NAME.test(name);
}

/**
 * A one-time schedule's expression, `at(yyyy-mm-ddThh:mm:ss)`, in UTC (the schedule says
 * `ScheduleExpressionTimezone: UTC`; https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time).
 * Milliseconds are dropped: the expression has seconds, and Scheduler invokes within the minute anyway.
 */
export function atExpression(when: Date): string {
  return `at(${when.toISOString().slice(0, 19)})`;
}

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

/** The instant an `at()` expression names in UTC, or undefined when it is not one (or names no real date). */
export function parseAtExpression(expression: string): Date | undefined {
  const m = AT.exec(expression);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (atExpression(date) !== expression) return undefined;
  return date;
}

/** What a request to revoke at `due` finds when a schedule of that name already exists. */
export type RepeatOutcome = { kind: 'same'; due: string } | { kind: 'different'; due: string; existing: string };

/**
 * A repeat of the same request (same due time, to the second) is answered as already scheduled; a different time is
 * refused, nothing changed (the schedule is never moved by a second request).
 */
export function compareRepeat(existingExpression: string, due: Date): RepeatOutcome {
  const existing = parseAtExpression(existingExpression);
  const wanted = atExpression(due);
  const dueIso = new Date(Math.floor(due.getTime() / 1000) * 1000).toISOString();
  if (existingExpression === wanted) return { kind: 'same', due: dueIso };
  return { kind: 'different', due: dueIso, existing: existing ? existing.toISOString() : existingExpression };
}

/**
 * Whether an "Image Revoked" event is the firing of a scheduled revocation that was cancelled: a firing's id is the
 * schedule's name and its due time (functions/operator/scheduled-revoke.ts), and `cancelledDueTimes` are the due
 * times the ledger records as cancelled for that version. Any other "Image Revoked" is never taken for one.
 */
export function isCancelledFiring(
  event: { id: string; image: string; version: string; revokedAt: string },
  cancelledDueTimes: readonly string[],
): boolean {
  const firing = event.id === `${revocationScheduleName(event.image, event.version)}@${event.revokedAt}`;
  return firing && cancelledDueTimes.includes(event.revokedAt);
}

/**
 * The due times of a version's scheduled revocations that were cancelled (the ledger's `REVOKE-AT#` item): the
 * current one if cancelled, and those cancelled before it, except the current one's own time when it is live again
 * (scheduled anew for the time a cancelled one had).
 */
export function cancelledDueTimes(
  record: { dueAt: string; cancelledAt?: string; cancelledBefore?: readonly { dueAt: string }[] } | undefined,
): string[] {
  if (!record) return [];
  const before = (record.cancelledBefore ?? []).map((c) => c.dueAt);
  return record.cancelledAt ? [record.dueAt, ...before] : before.filter((due) => due !== record.dueAt);
}

/** Whether an "Image Revoked" event is a scheduled revocation's firing: its id is the schedule's name and due time. */
export function isScheduledFiring(event: { id: string; image: string; version: string; revokedAt: string }): boolean {
  return event.id === `${revocationScheduleName(event.image, event.version)}@${event.revokedAt}`;
}

/**
 * A scheduled revocation made moot by revoking the same version earlier (`revoke` without `--at`, a finding over
 * policy, a parent's revocation): still live in the ledger (not cancelled) and due after the version was revoked. It
 * reads as superseded in `status` and `history`, and its firing revokes nothing. Undefined when it is not superseded
 * (the scheduled revocation carried out at its time is the revocation itself).
 * @param record the `REVOKE-AT#` item; a `supersededAt` on it (written by the operator's revocation) wins.
 * @param revocation the version's `REVOCATION#` item.
 */
export function supersededBy(
  record:
    | {
        dueAt: string;
        cancelledAt?: string | undefined;
        supersededAt?: string | undefined;
        supersededBy?: string | undefined;
      }
    | undefined,
  revocation:
    | { state?: string | undefined; at?: string | undefined; revokedAt?: string | undefined; by?: string | undefined }
    | undefined,
): { at: string; by: string } | undefined {
  if (!record || record.cancelledAt) return undefined;
  if (record.supersededAt) return { at: record.supersededAt, by: record.supersededBy ?? 'goldsmith' };
  if (revocation?.state !== 'revoked') return undefined;
  const revokedAt = revocation.revokedAt ?? revocation.at ?? '';
  if (!(Date.parse(revokedAt) < Date.parse(record.dueAt))) return undefined;
  return { at: revokedAt, by: revocation.by || 'goldsmith' };
}

/** How `status` and `history` tell a superseded scheduled revocation. */
export function supersededText(dueAt: string, superseded: { at: string; by: string }): string {
  return `revocation scheduled for ${dueAt} superseded: revoked at once at ${superseded.at} by ${superseded.by}; its schedule revokes nothing`;
}

/**
 * How far before now a revocation's `--at` may be and still mean now: two clocks (the operator's, the endpoint's)
 * and the time it took to type the command, never a back-dated revocation.
 */
export const REVOKE_AT_SKEW_MS = 5 * 60_000;

/** When a revocation asked for `at` happens, seen at `now`. */
export type RevocationTiming =
  | { kind: 'now'; takenAsNow?: string }
  | { kind: 'later'; due: Date }
  | { kind: 'past'; behindMs: number };

/**
 * Times a revocation: no `at`, or one within {@link REVOKE_AT_SKEW_MS} before now (rounded down to the second, as a
 * schedule names it), is now; a later one is scheduled; an earlier one is `past`, which the endpoint refuses: a
 * revocation is never back-dated, and an operator who means now says so. An `at` taken as now says so
 * (`takenAsNow`), so the operator learns the revocation did not wait for it.
 */
export function revocationTiming(at: string | undefined, now: Date): RevocationTiming {
  if (at === undefined) return { kind: 'now' };
  const due = Math.floor(Date.parse(at) / 1000) * 1000;
  if (due > now.getTime()) return { kind: 'later', due: new Date(due) };
  const behindMs = now.getTime() - due;
  if (behindMs > REVOKE_AT_SKEW_MS) return { kind: 'past', behindMs };
  if (behindMs < 1000) return { kind: 'now' };
  const skew = howLongAgo(REVOKE_AT_SKEW_MS);
  return {
    kind: 'now',
    takenAsNow: `--at ${at} is ${howLongAgo(behindMs)} in the past, within the clock skew allowed (${skew}): revoked now`,
  };
}

/** "3 days", "2 hours", "7 minutes": how far in the past a refused `--at` is, roughly, as people say it. */
export function howLongAgo(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'}`;
  }
  return `${Math.floor(ms / 1000)} seconds`;
}
