import type { Catalog } from '../config/schema.js';
import { nextCron, nextMonthlyPatch } from '../schedule/index.js';
import type { ScheduleChange } from '../triggers/change.js';

/** How far back the reconciler re-derives schedule firings: four of its six-hour periods. */
export const SCHEDULE_LOOKBACK_MS = 24 * 3_600_000;

/**
 * The build-triggering schedule firings of the catalog in [now - lookback, now), as the changes a Scheduler
 * invocation would have carried. The reconciler re-issues those whose intent was never recorded (the invocation
 * failed before it could write it), through the same dedupe, so a schedule is honoured even when its invocation
 * was lost. Monthly patch schedules yield the patch build itself (not the candidate-day firings that skip).
 */
export function dueScheduleChanges(
  catalog: Catalog,
  now: Date,
  lookbackMs: number = SCHEDULE_LOOKBACK_MS,
): ScheduleChange[] {
  const from = new Date(now.getTime() - lookbackMs);
  const changes: ScheduleChange[] = [];
  for (const [image, spec] of Object.entries(catalog.images)) {
    const schedule = spec.schedule;
    if (!schedule) continue;
    if (schedule.type === 'monthly-patch') {
      const at = nextMonthlyPatch(schedule, new Date(from.getTime() - 1));
      if (at < now) changes.push({ kind: 'schedule', image, scheduledTime: isoMinute(at) });
      continue;
    }
    for (let at = nextCron(schedule.expression, schedule.timezone ?? 'UTC', new Date(from.getTime() - 1)); at < now; ) {
      changes.push({ kind: 'schedule', image, scheduledTime: isoMinute(at) });
      at = nextCron(schedule.expression, schedule.timezone ?? 'UTC', at);
    }
  }
  return changes.sort((a, b) => a.scheduledTime.localeCompare(b.scheduledTime));
}

/** Scheduler renders `<aws.scheduler.scheduled-time>` without milliseconds. */
function isoMinute(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
