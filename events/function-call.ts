import * as z from 'zod';
import { API_CALL_VIA_CLOUDTRAIL, PARAMETER_STORE_CHANGE } from './outside-change.js';

/**
 * The events that ask the functions' auditor (functions/audit-functions.ts) to read Goldsmith's functions back within
 * minutes rather than at the next daily run.
 * - "AWS API Call via CloudTrail" of a Lambda call that changes a function's code, configuration, permissions, URL,
 *   versions, aliases, event sources or concurrency: sent only where a trail records management events, to the default
 *   bus of the call's Region (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
 *   Lambda's CloudTrail event names carry the API version they were made with, e.g. `UpdateFunctionCode20150331v2`,
 *   `UpdateFunctionConfiguration20150331v2`, `AddPermission20150331v2`, `CreateFunction20150331`
 *   (https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html), so the rule matches each name as a
 *   prefix (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-prefix-matching)
 *   and a later API version's suffix still matches.
 * - "Parameter Store Change" of a function's expected properties under `/goldsmith/_functions/` (no trail needed,
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html): a
 *   deploy writes them; anyone else who rewrites or deletes one moves what the audit compares against.
 */

/** The Lambda calls, by the start of their CloudTrail event name, that change what a function runs or who calls it. */
export const FUNCTION_CALL_PREFIXES = [
  // A function deleted, and one made again under the same name (`CreateFunction20150331`, `DeleteFunction20150331`):
  // read back like any other change. `DeleteFunction` also starts DeleteFunctionUrlConfig and
  // DeleteFunctionEventInvokeConfig, which change who calls a function and where its results go.
  'CreateFunction',
  'DeleteFunction',
  'UpdateFunctionCode',
  'UpdateFunctionConfiguration',
  'AddPermission',
  'RemovePermission',
  'CreateFunctionUrlConfig',
  'UpdateFunctionUrlConfig',
  'PublishVersion',
  'CreateAlias',
  'UpdateAlias',
  'CreateEventSourceMapping',
  'UpdateEventSourceMapping',
  'PutFunctionConcurrency',
  'DeleteFunctionConcurrency',
  'PutFunctionEventInvokeConfig',
  'UpdateFunctionEventInvokeConfig',
  'PutRuntimeManagementConfig',
] as const;

/** Where the stacks write the functions' expected properties (core/audit/functions.ts `functionsPath`), any stage. */
export const EXPECTED_FUNCTIONS_PREFIX = '/goldsmith/_functions/';

const base = { version: z.string().optional(), id: z.string().optional(), account: z.string().optional() };

/** A Lambda call CloudTrail reports that changed (or tried to change) a function. */
export const functionCallSchema = z.object({
  ...base,
  source: z.literal('aws.lambda'),
  'detail-type': z.literal(API_CALL_VIA_CLOUDTRAIL),
  region: z.string().min(1),
  detail: z.object({
    eventSource: z.literal('lambda.amazonaws.com'),
    eventName: z
      .string()
      .refine((n) => FUNCTION_CALL_PREFIXES.some((p) => n.startsWith(p)), 'detail.eventName is not a function call'),
    /** The function the call named (its name or ARN), when CloudTrail recorded it. */
    requestParameters: z.object({ functionName: z.string().optional() }).nullish(),
  }),
});

/** A Parameter Store Change of a function's expected properties. */
export const expectedFunctionChangeSchema = z.object({
  ...base,
  source: z.literal('aws.ssm'),
  'detail-type': z.literal(PARAMETER_STORE_CHANGE),
  region: z.string().min(1),
  detail: z.object({
    name: z.string().startsWith(EXPECTED_FUNCTIONS_PREFIX, `detail.name must begin ${EXPECTED_FUNCTIONS_PREFIX}`),
    operation: z.string().min(1),
  }),
});
