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
 * CloudTrail names a call's request and response members as the API does, first letter lower case. A record is JSON:
 * a binary member (UpdateFunctionCode's `ZipFile`) is left out rather than written as bytes, which also keeps the
 * history savable with the rest of the cloud.
 */
export function recordedMembers(members: Record<string, unknown>): Record<string, unknown> {
  // One object built in a loop, not entries filtered, mapped and joined again: every write call a fake serves is
  // recorded.
  const recorded: Record<string, unknown> = {};
  for (const k of Object.keys(members)) {
    const v = members[k];
    if (!(v instanceof Uint8Array)) recorded[k.charAt(0).toLowerCase() + k.slice(1)] = v;
  }
  return recorded;
}

/**
 * Who made a call, as CloudTrail's `userIdentity` names a role session: type `AssumedRole`, the session's ARN, and the
 * role it was issued from as `sessionContext.sessionIssuer`
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html). The
 * local cloud knows a function's role (its session is named here after the role) or a member role's session ARN.
 */
export function userIdentityOf(caller: string | undefined, account: string): Record<string, unknown> {
  const role = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(caller ?? '');
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(caller ?? '');
  if (!role && !session) return { type: 'IAMUser', ...(caller ? { arn: caller } : {}), accountId: account };
  const [, partition, roleAccount, name] = (role ?? session) as RegExpExecArray;
  const issuer = role ? caller : `arn:${partition}:iam::${roleAccount}:role/${name}`;
  return {
    type: 'AssumedRole',
    arn: session ? caller : `arn:${partition}:sts::${roleAccount}:assumed-role/${name}/${name}`,
    accountId: roleAccount,
    sessionContext: { sessionIssuer: { type: 'Role', arn: issuer, accountId: roleAccount, userName: name } },
  };
}

/**
 * The record of one API call a caller made (a management event: it changed something), as CloudTrail writes it
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html): who
 * called, the service and call, the Region, the request's members, the response's, and for a refused call its
 * `errorCode` and `errorMessage` (CloudTrail records failed calls too).
 */
export function apiCallEvent(call: ApiCall): CloudTrailEvent {
  const detail = apiCallRecord(call, randomUUID(), randomUUID());
  return cloudTrailEnvelope(
    'AWS API Call via CloudTrail',
    { source: call.source, account: call.account, region: call.region, time: detail.eventTime },
    detail,
  );
}

/** One API call, as `apiCallEvent` and `apiCallRecord` take it. */
export interface ApiCall {
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
}

/**
 * The record alone, with the request and event ids given: the event history numbers its own (local/fakes/cloudtrail.ts)
 * and keeps no envelope, so it draws no random ids for either.
 */
export function apiCallRecord(call: ApiCall, requestID: string, eventID: string) {
  const time = cloudTrailTime(call.time);
  return {
    eventVersion: '1.09',
    userIdentity: userIdentityOf(call.caller, call.account),
    eventTime: time,
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: call.region,
    requestParameters: call.requestParameters,
    responseElements: call.error ? null : call.responseElements,
    ...(call.error ? { errorCode: call.error.name, errorMessage: call.error.message } : {}),
    requestID,
    eventID,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: call.account,
    eventCategory: 'Management',
  };
}
