import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Function as SstFunction } from 'sst/constructs';
import { NAME_PREFIX } from '../names.js';
import { schedulerRole } from '../scheduled-invoke.js';
import type { Watched } from './discover.js';

/** The re-drive's schedule group for its follow-up looks, e.g. `goldsmith-prod-redrive`. */
export function redriveScheduleGroupName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-redrive`;
}

/**
 * One alarm per dead-letter queue on its depth: `ApproximateNumberOfMessagesVisible` above zero, Maximum over one
 * minute, one period. SQS publishes that metric every minute for an active queue (one holding messages or called
 * in the last six hours), nothing for an inactive one, and up to 15 minutes late when a queue wakes
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/monitoring-using-cloudwatch.html).
 * One minute is the finest standard-resolution period, so the alarm turns ALARM at the first datapoint showing a
 * message, and OK at the first showing none. Missing data is not breaching: a queue asleep is an empty queue, so
 * its alarm rests in OK and the next message is a transition
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html). No actions: the
 * state change itself goes to EventBridge. Each is a standard-resolution alarm, billed per alarm metric per month
 * (https://aws.amazon.com/cloudwatch/pricing/).
 */
export function createDepthAlarms(stack: Stack, watched: Watched): cloudwatch.Alarm[] {
  return watched.queues.map(
    ({ id, queue }) =>
      new cloudwatch.Alarm(stack, `DlqDepthAlarm${id}`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        actionsEnabled: false,
        alarmDescription: `Goldsmith: dead-letter queue ${id} holds a message; its ALARM invokes the re-drive for it`,
      }),
  );
}

/**
 * What invokes the re-drive besides its daily pass: a rule on the default bus for the depth alarms entering ALARM
 * (CloudWatch sends every alarm state change to EventBridge, durably:
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-cloudwatch.html), and the follow-up looks the
 * re-drive schedules itself (EventBridge Scheduler one-time schedules in a group of its own, invoking it as a role
 * only Scheduler in this account may assume, which may invoke only the re-drive). The re-drive may create schedules
 * in that group and pass that role, to Scheduler only.
 */
export function createRedriveTriggers(
  stack: Stack,
  stage: string,
  redrive: SstFunction,
  alarms: cloudwatch.Alarm[],
): { rule: events.Rule | undefined; group: scheduler.CfnScheduleGroup; role: iam.Role } {
  const rule =
    alarms.length === 0
      ? undefined
      : new events.Rule(stack, 'DeadLetterDepthRule', {
          description: 'Goldsmith: a dead-letter queue holds a message (its depth alarm entered ALARM) → re-drive it',
          eventPattern: {
            source: ['aws.cloudwatch'],
            detailType: ['CloudWatch Alarm State Change'],
            resources: alarms.map((a) => a.alarmArn),
            detail: { state: { value: ['ALARM'] } },
          },
          // A look missed is made by the next follow-up or the daily pass: a few hours of retries are enough.
          targets: [new targets.LambdaFunction(redrive, { retryAttempts: 20, maxEventAge: Duration.hours(6) })],
        });

  const groupName = redriveScheduleGroupName(stage);
  const group = new scheduler.CfnScheduleGroup(stack, 'RedriveScheduleGroup', { name: groupName });
  // Deleting a group deletes its schedules: a deploy or a stack removal never does.
  // https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-group-delete.html
  group.applyRemovalPolicy(RemovalPolicy.RETAIN);
  const role = schedulerRole(
    stack,
    'RedriveFollowUpSchedulerRole',
    'Goldsmith: EventBridge Scheduler invokes the dead-letter re-drive for a follow-up look at a queue',
    groupName,
  );
  role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [redrive.functionArn] }));
  redrive.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['scheduler:CreateSchedule'],
      resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${groupName}/*` })],
    }),
  );
  redrive.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }),
  );
  redrive.addEnvironment('REDRIVE_SCHEDULE_GROUP', groupName);
  redrive.addEnvironment('REDRIVE_SCHEDULER_ROLE_ARN', role.roleArn);
  return { rule, group, role };
}
