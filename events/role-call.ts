import * as z from 'zod';
import { API_CALL_VIA_CLOUDTRAIL } from './outside-change.js';

/**
 * The "AWS API Call via CloudTrail" events of the IAM calls that change what a role may do or who may assume it, which
 * ask the functions' auditor (functions/audit-functions.ts) to read that role back within minutes rather than at the
 * next daily run. IAM is a global service: CloudTrail records its calls in us-east-1 only ("events created by …
 * AWS Identity and Access Management … are recorded in the Region in which they were created, the US East
 * (N. Virginia) Region, us-east-1",
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-update-trail.html),
 * so EventBridge gets them on that Region's default bus, with
 * `source: aws.iam` and `eventSource: iam.amazonaws.com`
 * (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-iam.html). A factory whose home Region is another
 * one gets no such event; its daily run reads the roles all the same.
 */

/** The IAM calls on a role that change its policies, its trust or its boundary. */
export const ROLE_CALLS = [
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'UpdateAssumeRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
] as const;

/** An IAM call CloudTrail reports that changed (or tried to change) a role. */
export const roleCallSchema = z.object({
  version: z.string().optional(),
  id: z.string().optional(),
  account: z.string().optional(),
  source: z.literal('aws.iam'),
  'detail-type': z.literal(API_CALL_VIA_CLOUDTRAIL),
  region: z.string().min(1),
  detail: z.object({
    eventSource: z.literal('iam.amazonaws.com'),
    eventName: z.enum(ROLE_CALLS),
    /** The role the call named, when CloudTrail recorded it. */
    requestParameters: z.object({ roleName: z.string().optional() }).nullish(),
  }),
});
