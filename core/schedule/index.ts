export { type CronSchedule, CronSyntaxError, cronProblem, parseCron } from './cron.js';
export { type SchedulerExpression, scheduleExpression } from './expression.js';
export {
  type CalendarDate,
  candidateDaysOfMonth,
  isMonthlyPatchDay,
  type MonthlyPatchSpec,
  monthlyPatchDay,
  nextMonthlyPatch,
  patchTuesday,
} from './monthly-patch.js';
export { nextCron, ScheduleExhaustedError } from './next.js';
export { isIanaTimezone, wallClockInstant } from './timezone.js';
