import { ConflictException, CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { followUpSchedule } from '../../core/redrive/looks.js';
import { schedulerClient } from '../clients/scheduler.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * Asks EventBridge Scheduler for one follow-up look at `queueName`: a one-time schedule in the re-drive's schedule
 * group (env `REDRIVE_SCHEDULE_GROUP`) that invokes `functionArn` (the re-drive itself) as the role env
 * `REDRIVE_SCHEDULER_ROLE_ARN` names, then deletes itself
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html). A name already taken (a
 * ConflictException, HTTP 409) is a follow-up already asked for that minute: nothing more to do.
 */
export async function scheduleFollowUpLook(
  queueName: string,
  functionArn: string,
  now: Date,
): Promise<{ name: string; at: string; created: boolean }> {
  const { name, expression, at } = followUpSchedule(queueName, now);
  try {
    await schedulerClient().send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: env('REDRIVE_SCHEDULE_GROUP'),
        Description: `Goldsmith: look again at dead-letter queue ${queueName}`,
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Target: {
          Arn: functionArn,
          RoleArn: env('REDRIVE_SCHEDULER_ROLE_ARN'),
          Input: JSON.stringify({ redrive: 'queue', queue: queueName }),
          // A look missed is caught by the queue's alarm or the daily pass: no long retrying.
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 5 },
        },
      }),
    );
    return { name, at: at.toISOString(), created: true };
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
    return { name, at: at.toISOString(), created: false };
  }
}
