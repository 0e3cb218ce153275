import { randomUUID } from 'node:crypto';

/** An EventBridge event as CloudTrail delivers it to a default bus. */
export interface CloudTrailEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** CloudTrail's times are whole seconds (`2027-01-01T00:00:00Z`). */
export const cloudTrailTime = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');

/**
 * The EventBridge envelope of a CloudTrail record: `source` the service's (`aws.ssm`), `account` the account whose
 * trail recorded it, `region` the Region the call was recorded in — a regional service's own Region, US East (N.
 * Virginia) for a global one — and the record itself as `detail`
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
 */
export function cloudTrailEnvelope(
  detailType: 'AWS API Call via CloudTrail' | 'AWS Service Event via CloudTrail',
  envelope: { source: string; account: string; region: string; time: string },
  detail: Record<string, unknown>,
): CloudTrailEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: envelope.source,
    account: envelope.account,
    time: envelope.time,
    region: envelope.region,
    resources: [],
    detail,
  };
}

/**
 * The record of one API call a caller made (a management event: it changed something), as CloudTrail writes it
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html): who
 * called, the service and call, the Region, the request's members, the response's, and for a refused call its
 * `errorCode` and `errorMessage` (CloudTrail records failed calls too).
 */
export function apiCallEvent(call: {
  source: string;
  eventSource: string;
  eventName: string;
  account: string;
  region: string;
  time: string;
  caller: string | undefined;
  requestParameters: Record<string, unknown>;
  responseElements: Record<string, unknown> | null;
  error?: { name: string; message: string } | undefined;
}): CloudTrailEvent {
  const time = cloudTrailTime(call.time);
  const detail = {
    eventVersion: '1.09',
    userIdentity: {
      type: call.caller?.includes(':assumed-role/') || call.caller?.includes(':role/') ? 'AssumedRole' : 'IAMUser',
      ...(call.caller ? { arn: call.caller } : {}),
      accountId: call.account,
    },
    eventTime: time,
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: call.region,
    requestParameters: call.requestParameters,
    responseElements: call.error ? null : call.responseElements,
    ...(call.error ? { errorCode: call.error.name, errorMessage: call.error.message } : {}),
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: call.account,
    eventCategory: 'Management',
  };
  return cloudTrailEnvelope(
    'AWS API Call via CloudTrail',
    { source: call.source, account: call.account, region: call.region, time },
    detail,
  );
}
