import * as z from 'zod';

/**
 * A CloudTrail record as the event history gives it (`CloudTrailEvent`, a JSON string): the fields the read-back uses
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
 */
export const recordedCallSchema = z.object({
  eventID: z.string().min(1),
  eventTime: z.string().min(1),
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  awsRegion: z.string().min(1),
  recipientAccountId: z.string().optional(),
  errorCode: z.string().optional(),
  userIdentity: z
    .object({
      arn: z.string().optional(),
      sessionContext: z.object({ sessionIssuer: z.object({ arn: z.string().optional() }).optional() }).optional(),
    })
    .optional(),
  requestParameters: z.record(z.string(), z.unknown()).nullish(),
});
export type RecordedCall = z.output<typeof recordedCallSchema>;
