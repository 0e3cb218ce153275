import * as z from 'zod';

/**
 * A CloudWatch alarm's notification as Goldsmith's chat sinks show it (part of events/notification.ts's
 * `NOTIFICATION_DETAILS`), and the message CloudWatch itself publishes to the notifications topic when one of
 * Goldsmith's alarms (stacks/monitoring/alarms.ts) changes state. CloudWatch's message is not Goldsmith's
 * announcement: the sinks turn it into one (core/notifications/alarm-text.ts) instead of refusing it.
 */

const alarmState = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

export const ALARM_NOTIFICATION_DETAILS = {
  /** One of Goldsmith's CloudWatch alarms changed state, as CloudWatch's message says (never about one image). */
  'alarm-state-changed': z.strictObject({
    alarm: z.string().min(1),
    state: alarmState,
    previousState: alarmState.optional(),
    /** CloudWatch's `NewStateReason`: the datapoints that crossed, or the text of whoever set the state. */
    reason: z.string().min(1),
    /** When the state changed (CloudWatch's `StateChangeTime`). */
    changedAt: z.iso.datetime({ offset: true }),
    /** CloudWatch's display name of the Region (`US East (N. Virginia)`), and the account. */
    region: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    alarmArn: z.string().min(1).optional(),
    description: z.string().min(1).optional(),
  }),
} as const;

/**
 * The JSON CloudWatch publishes to an SNS topic an alarm's action names: `AlarmName`, `AlarmDescription` (null when
 * none), `AWSAccountId`, `NewStateValue`, `NewStateReason`, `StateChangeTime` (`2015-06-03T17:43:27.123+0000`),
 * `Region` (the display name), `AlarmArn`, `OldStateValue`, and `Trigger` (the metric, or `Metrics` for a metric math
 * alarm; a composite alarm carries `AlarmRule` instead). The shape is what the AWS Lambda Go library's
 * `CloudWatchAlarmSNSPayload` decodes (https://github.com/aws/aws-lambda-go/blob/main/events/sns.go, and its sample
 * events/testdata/cloudwatch-alarm-sns-payload-single-metric.json); AWS's page lists no schema of its own
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html). Only the fields
 * shown are required; everything else is let through.
 */
export const cloudWatchAlarmMessageSchema = z.looseObject({
  AlarmName: z.string().min(1),
  AlarmDescription: z.string().nullish(),
  AWSAccountId: z.string().nullish(),
  NewStateValue: alarmState,
  OldStateValue: alarmState.nullish(),
  NewStateReason: z.string().min(1),
  StateChangeTime: z.string().min(1),
  Region: z.string().nullish(),
  AlarmArn: z.string().nullish(),
});
export type CloudWatchAlarmMessage = z.infer<typeof cloudWatchAlarmMessageSchema>;
