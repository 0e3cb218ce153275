import type { Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Catalog } from '../../core/config/schema.js';
import { scheduleExpression } from '../../core/schedule/expression.js';
import { watchedParameters } from '../../core/triggers/affected.js';
import { scheduledBuildInput } from '../../events/scheduled-build.js';
import { grantQueueSend } from '../resource-doors.js';
import { fixedScheduleGroup, schedulerRole } from '../scheduled-invoke.js';

/** Scheduler retries a failed invocation for up to 6 hours: a late patch build still carries its own window. */
export const SCHEDULE_RETRY = { MaximumEventAgeInSeconds: 6 * 3600, MaximumRetryAttempts: 20 } as const;

/** The watcher's fixed input (see functions/watch-base-images.ts). */
export const WATCH_INPUT = { watch: 'base-images' } as const;

/**
 * One EventBridge Scheduler schedule per scheduled image, plus the hourly base-image watcher. Flexible windows are
 * off (a patch build runs at its time). A monthly patch schedule fires on every candidate day of the month
 * (`scheduleExpression`); start-builds skips, and records, the days that are not the patch day.
 */
export function createSchedules(
  stack: Stack,
  catalog: Catalog,
  fns: { startBuilds: IFunction; watchBaseImages: IFunction },
  dlq: sqs.IQueue,
): Record<string, scheduler.CfnSchedule> {
  const group = fixedScheduleGroup(stack);
  const role = schedulerRole(
    stack,
    'SchedulerRole',
    'Goldsmith: EventBridge Scheduler invokes the trigger functions',
    stack.stackName,
  );
  fns.startBuilds.grantInvoke(role);
  fns.watchBaseImages.grantInvoke(role);
  grantQueueSend(dlq, role);

  const target = (fn: IFunction, input: unknown): scheduler.CfnSchedule.TargetProperty => ({
    arn: fn.functionArn,
    roleArn: role.roleArn,
    input: JSON.stringify(input),
    retryPolicy: {
      maximumEventAgeInSeconds: SCHEDULE_RETRY.MaximumEventAgeInSeconds,
      maximumRetryAttempts: SCHEDULE_RETRY.MaximumRetryAttempts,
    },
    deadLetterConfig: { arn: dlq.queueArn },
  });

  const schedules: Record<string, scheduler.CfnSchedule> = {};
  for (const [image, spec] of Object.entries(catalog.images)) {
    if (!spec.schedule) continue;
    const { expression, timezone } = scheduleExpression(spec.schedule);
    schedules[image] = new scheduler.CfnSchedule(stack, `Schedule-${image}`, {
      groupName: stack.stackName,
      description: `Goldsmith: scheduled build of ${image}`,
      scheduleExpression: expression,
      scheduleExpressionTimezone: timezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: target(fns.startBuilds, scheduledBuildInput(image)),
    });
  }
  if (watchedParameters(catalog).length > 0) {
    schedules['watch-base-images'] = new scheduler.CfnSchedule(stack, 'WatchBaseImagesSchedule', {
      groupName: stack.stackName,
      description: 'Goldsmith: hourly check of the public base-image parameters',
      scheduleExpression: 'rate(1 hour)',
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: target(fns.watchBaseImages, WATCH_INPUT),
    });
  }
  for (const schedule of Object.values(schedules)) schedule.addDependency(group);
  return schedules;
}
