import { patchTuesday } from '../schedule/monthly-patch.js';

/** The latest Patch Tuesday (00:00 UTC) at or before `at`. */
export function lastPatchTuesday(at: Date): Date {
  let year = at.getUTCFullYear();
  let month = at.getUTCMonth() + 1;
  for (;;) {
    const day = patchTuesday(year, month);
    const start = new Date(Date.UTC(day.year, day.month - 1, day.day));
    if (start <= at) return start;
    month -= 1;
    // Stryker disable next-line ConditionalExpression,BlockStatement: month 0 of a year is, to patchTuesday and Date.UTC, the December before
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
}

/** Seconds from the latest Patch Tuesday to `at`: how long the month's patches took to reach a channel. */
export function secondsSincePatchDay(at: Date): number {
  return Math.round((at.getTime() - lastPatchTuesday(at).getTime()) / 1000);
}
