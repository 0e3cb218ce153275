import type { ScheduleSpec } from '../config/schema.js';
import { candidateDaysOfMonth } from './monthly-patch.js';

/** What an EventBridge Scheduler schedule needs: `ScheduleExpression` and `ScheduleExpressionTimezone`. */
export interface SchedulerExpression {
  readonly expression: string;
  readonly timezone: string;
  /**
   * True for monthly patch schedules. "N days after the second Tuesday" is not expressible as one cron, so the
   * schedule fires at the build time on every candidate day and its target must call `isMonthlyPatchDay` and do
   * nothing on the other days.
   */
  readonly onlyOnPatchDay: boolean;
}

/**
 * Renders a catalog schedule for EventBridge Scheduler.
 * Cron schedules pass through; monthly patch schedules become `cron(MM HH <candidate days> * ? *)` in the spec's
 * time zone, so Scheduler applies daylight saving and the target only checks the date.
 */
export function scheduleExpression(spec: ScheduleSpec): SchedulerExpression {
  if (spec.type === 'cron') {
    return { expression: spec.expression.trim(), timezone: spec.timezone, onlyOnPatchDay: false };
  }
  const [hour, minute] = spec.at.split(':').map(Number) as [number, number];
  return {
    expression: `cron(${minute} ${hour} ${candidateDaysOfMonth(spec.daysAfterPatchTuesday)} * ? *)`,
    timezone: spec.timezone,
    onlyOnPatchDay: true,
  };
}
