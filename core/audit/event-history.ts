import { FUNCTION_CALL_PREFIXES } from '../../events/function-call.js';
import { API_CALL_VIA_CLOUDTRAIL, IMAGE_ATTRIBUTE_CALLS, RULE_CHANGE_CALLS } from '../../events/outside-change.js';
import { asParameterChange, type ParameterChangeEvent, pointerOf } from './pointer-calls.js';
import type { RecordedCall } from './recorded-call.js';

/**
 * The audit's daily read of CloudTrail's event history (functions/audit-history.ts): which calls changed something
 * Goldsmith keeps, between its full sweeps, where no trail sends them to EventBridge. Pure: what to look up, for which
 * window, and which recorded calls ask for a read-back.
 */

/**
 * How late an event may reach the history and still be looked up: each window ends this long before the run. AWS:
 * "CloudTrail typically delivers logs within an average of about 5 minutes of an API call. This time is not
 * guaranteed" (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html).
 */
export const HISTORY_DELAY_ALLOWANCE_MS = 60 * 60_000;

/** The longest a window reaches back: the history holds "the past 90 days" (a day's margin). */
const HISTORY_DAYS = 89;

/** The first run's window: the day before (the sweeps cover what came earlier). */
const FIRST_WINDOW_MS = 86_400_000;

/**
 * What one lookup asks, in one Region: one attribute (LookupEvents takes one at most). The read asks each Region for
 * its write management events (`ReadOnly` `false`): LookupAttribute's AttributeKey takes "EventId | EventName |
 * ReadOnly | Username | ResourceType | ResourceName | EventSource | AccessKeyId"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupAttribute.html), and "Write-only events
 * include API operations that modify (or might modify) your resources"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html): every
 * call the audit reads back is one, and {@link readBacksOf} keeps those.
 */
export interface HistoryLookup {
  readonly region: string;
  readonly key: 'ReadOnly' | 'EventName' | 'EventSource';
  readonly value: string;
}

/**
 * The window one run looks up in a Region: from where the last one ended (the ledger's record) to
 * {@link HISTORY_DELAY_ALLOWANCE_MS} before now, so consecutive windows meet without overlapping and an event late by
 * less than the allowance is in the next window, never in none. Undefined when nothing new is due (a retried run).
 */
export function lookupWindow(lastEnd: string | undefined, now: Date): { start: Date; end: Date } | undefined {
  const end = now.getTime() - HISTORY_DELAY_ALLOWANCE_MS;
  const oldest = now.getTime() - HISTORY_DAYS * 86_400_000;
  const last = lastEnd === undefined ? Number.NaN : Date.parse(lastEnd);
  // A recorded end later than this run's own (a clock set ahead, a hand-written record) counts as none: the first
  // window, not a Region skipped until the clock catches up.
  const start = Math.max(Number.isNaN(last) || last > end ? end - FIRST_WINDOW_MS : last, oldest);
  return start < end ? { start: new Date(start), end: new Date(end) } : undefined;
}

/** The lookups of one run: one in each Region that holds AMIs and in the home Region, its write events. */
export function historyLookups(amiRegions: readonly string[], homeRegion: string): HistoryLookup[] {
  return [...new Set([...amiRegions, homeRegion])].map((region) => ({ region, key: 'ReadOnly', value: 'false' }));
}

export { type RecordedCall, recordedCallSchema } from './recorded-call.js';

/**
 * Whether Goldsmith made the call, by the exact ARN of the role whose session made it: the record's
 * `userIdentity.sessionContext.sessionIssuer.arn`, the role's own ARN, path included (`arn:aws:iam::123456789012:
 * role/RoleToBeAssumed` beside `arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName` in AWS's example,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html); an
 * assumed-role ARN carries no path, so it is never compared. Goldsmith's are `ownRoles` (the roles of Goldsmith's
 * functions that may make the calls looked up, as the stacks list them: stacks/monitoring/audit-history.ts). Not Image
 * Builder's service-linked role: Goldsmith's distribution configurations name no launch permissions
 * (stacks/factory/distribution.ts), so a launch-permission call of that role means someone changed a distribution,
 * and SCPs do not bind service-linked roles. A name alone
 * proves nothing (anyone allowed to make roles may make one named like Goldsmith's, in any path): a call wrongly
 * taken for someone else's only costs a read-back. Names do not count.
 */
export function isGoldsmithCall(call: RecordedCall, ownRoles: ReadonlySet<string>): boolean {
  const issuer = call.userIdentity?.sessionContext?.sessionIssuer?.arn;
  return issuer !== undefined && ownRoles.has(issuer);
}

/** An EventBridge event as a trail would have sent the call (its `detail` is the CloudTrail record itself). */
export interface ApiCallEvent {
  version: '0';
  id: string;
  'detail-type': typeof API_CALL_VIA_CLOUDTRAIL;
  source: string;
  account?: string;
  time: string;
  region: string;
  resources: string[];
  detail: RecordedCall;
}

/**
 * The call as "AWS API Call via CloudTrail": `source` the service's (`aws.ec2`), the Region the call was recorded in,
 * the record as `detail` (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html),
 * its `id` the record's `eventID`.
 */
export function asApiCallEvent(call: RecordedCall): ApiCallEvent {
  return {
    version: '0',
    id: call.eventID,
    'detail-type': API_CALL_VIA_CLOUDTRAIL,
    source: `aws.${call.eventSource.split('.')[0]}`,
    ...(call.recipientAccountId ? { account: call.recipientAccountId } : {}),
    time: call.eventTime,
    region: call.awsRegion,
    resources: [],
    detail: call,
  };
}

/** What one run asks to be read back: each AMI and each function once, by the earliest call that named it. */
export interface ReadBacks {
  amis: ApiCallEvent[];
  /** By the function's name: the caller keeps those that are Goldsmith's (its deployment's records say which). */
  functions: Map<string, ApiCallEvent>;
  /** The channel pointers, each as the Parameter Store Change it would have sent, by the earliest call naming it. */
  pointers: ParameterChangeEvent[];
  /** Goldsmith's EventBridge rules (named `<stage>-goldsmith-…`) disabled, deleted, re-patterned or re-targeted. */
  rules: ApiCallEvent[];
  /** Calls of the kinds audited left alone (Goldsmith's own, refused, naming nothing of Goldsmith's). */
  ignored: number;
  /** The calls of the kinds audited: the launch-permission calls, and Lambda's in the home Region. */
  audited: number;
}

/**
 * Whether the audit reads calls of this kind back: EC2's launch-permission calls, Parameter Store's on a channel
 * pointer, EventBridge's that silence or redirect a rule, Lambda's in the home Region.
 */
function isAuditedKind(call: RecordedCall, homeRegion: string): boolean {
  if (pointerOf(call) !== undefined) return true;
  if (call.eventSource === 'events.amazonaws.com')
    return (RULE_CHANGE_CALLS as readonly string[]).includes(call.eventName);
  if (call.eventSource === 'ec2.amazonaws.com')
    return (IMAGE_ATTRIBUTE_CALLS as readonly string[]).includes(call.eventName);
  return call.eventSource === 'lambda.amazonaws.com' && call.awsRegion === homeRegion;
}

/**
 * The calls that ask for a read-back, of a Region's write events: of the kinds audited ({@link isAuditedKind}; the
 * others are not counted), not Goldsmith's own, not refused (`errorCode`: nothing changed): a channel pointer written,
 * deleted or labelled; a `<stage>-goldsmith-…` rule silenced or redirected; an AMI's launch permissions (the
 * IMAGE_ATTRIBUTE_CALLS naming an `imageId`); a function (named by name or ARN) changed by one of the calls
 * events/function-call.ts lists. Each once, by the earliest call naming it.
 */
export function readBacksOf(
  calls: readonly RecordedCall[],
  stage: string,
  ownRoles: ReadonlySet<string>,
  homeRegion: string,
): ReadBacks {
  const amis = new Map<string, ApiCallEvent>();
  const functions = new Map<string, ApiCallEvent>();
  const pointers = new Map<string, ParameterChangeEvent>();
  const rules = new Map<string, ApiCallEvent>();
  // Each resource is handed on once, as the first call naming it made it.
  const first = <T>(held: Map<string, T>, key: string, made: () => T) => {
    if (!held.has(key)) held.set(key, made());
  };
  let ignored = 0;
  let audited = 0;
  // Oldest first (the history answers newest first): each AMI and function is handed on by the first call naming it.
  const inOrder = [...calls].reverse().sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
  for (const call of inOrder) {
    if (!isAuditedKind(call, homeRegion)) continue;
    audited++;
    if (call.errorCode || isGoldsmithCall(call, ownRoles)) {
      ignored++;
      continue;
    }
    const pointer = pointerOf(call);
    if (pointer !== undefined) {
      first(pointers, `${call.awsRegion}|${pointer}`, () => asParameterChange(call, pointer));
      continue;
    }
    // DisableRule, DeleteRule and PutRule name the rule `name`; PutTargets and RemoveTargets `rule`.
    const rule = call.requestParameters?.name ?? call.requestParameters?.rule;
    if (call.eventSource === 'events.amazonaws.com') {
      if (typeof rule !== 'string' || !rule.startsWith(`${stage}-goldsmith-`)) ignored++;
      else first(rules, `${call.awsRegion}|${rule}`, () => asApiCallEvent(call));
      continue;
    }
    const imageId = call.requestParameters?.imageId;
    const named = call.requestParameters?.functionName;
    const fn = typeof named === 'string' ? named.split(':function:').pop()?.split(':')[0] : undefined;
    if (
      call.eventSource === 'ec2.amazonaws.com' &&
      (IMAGE_ATTRIBUTE_CALLS as readonly string[]).includes(call.eventName) &&
      typeof imageId === 'string' &&
      imageId.length > 0
    ) {
      first(amis, `${call.awsRegion}|${imageId}`, () => asApiCallEvent(call));
    } else if (
      call.eventSource === 'lambda.amazonaws.com' &&
      FUNCTION_CALL_PREFIXES.some((p) => call.eventName.startsWith(p)) &&
      fn
    ) {
      first(functions, fn, () => asApiCallEvent(call));
    } else ignored++;
  }
  return {
    amis: [...amis.values()],
    functions,
    pointers: [...pointers.values()],
    rules: [...rules.values()],
    ignored,
    audited,
  };
}
