import { createHash } from 'node:crypto';
import { canonical } from '../canonical-json.js';
import { isTransient } from '../errors/classify.js';

/**
 * Dead letters and the decision to re-drive them, pure. Goldsmith's dead-letter queues receive three shapes:
 * - Lambda's on-failure destination record, after an asynchronous invocation failed every retry: the body is JSON
 *   `{ requestContext: { functionArn, condition }, requestPayload, responsePayload: { errorType, errorMessage } }`
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html);
 * - an EventBridge rule target's DLQ: the body is the event, with message attributes `RULE_ARN`, `TARGET_ARN`,
 *   `ERROR_CODE`, `ERROR_MESSAGE` (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html);
 * - an EventBridge Scheduler schedule's DLQ: the body is the target's input, with `TARGET_ARN`, `SCHEDULE_ARN`,
 *   `ERROR_CODE`, `ERROR_MESSAGE` (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).
 * In every case the work is "invoke this function with this payload", which re-driving does again, asynchronously.
 */

/** One dead-lettered invocation, whatever queue shape it came in. */
export interface DeadLetter {
  /** The function to invoke again (unqualified ARN). */
  target: string;
  payload: unknown;
  /** Why it failed: the function's error type, or EventBridge's / Scheduler's error code. */
  error: string;
  message: string;
  via: 'lambda-destination' | 'eventbridge' | 'scheduler';
  /** The failed request's id, as Lambda's on-failure record names it (`requestContext.requestId`). */
  requestId?: string;
}

/** An SQS message as ReceiveMessage returns it, reduced to what matters here. */
export interface QueuedMessage {
  body: string;
  /** String message attributes (`ERROR_CODE`, `TARGET_ARN`, …). */
  attributes: Readonly<Record<string, string>>;
}

/** Strips a version or alias qualifier: `…:function:name:$LATEST` → `…:function:name`. */
export function unqualified(functionArn: string): string {
  const parts = functionArn.split(':');
  return parts.length > 7 ? parts.slice(0, 7).join(':') : functionArn;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a dead-letter message, or says why it cannot be re-driven (then it stays for a person). */
export function readDeadLetter(message: QueuedMessage): DeadLetter | { unreadable: string } {
  const body = json(message.body);
  const context = isRecord(body) && isRecord(body.requestContext) ? body.requestContext : undefined;
  if (isRecord(body) && context && typeof context.functionArn === 'string' && 'requestPayload' in body) {
    const response = isRecord(body.responsePayload) ? body.responsePayload : {};
    return {
      target: unqualified(context.functionArn),
      payload: body.requestPayload,
      error: typeof response.errorType === 'string' ? response.errorType : String(context.condition ?? 'Unknown'),
      message: typeof response.errorMessage === 'string' ? response.errorMessage : '',
      via: 'lambda-destination',
      ...(typeof context.requestId === 'string' ? { requestId: context.requestId } : {}),
    };
  }
  const target = message.attributes.TARGET_ARN;
  if (target === undefined) return { unreadable: 'neither a Lambda destination record nor a TARGET_ARN attribute' };
  if (body === undefined) return { unreadable: 'the body is not JSON' };
  return {
    target: unqualified(target),
    payload: body,
    error: message.attributes.ERROR_CODE ?? 'Unknown',
    message: message.attributes.ERROR_MESSAGE ?? '',
    via: message.attributes.SCHEDULE_ARN === undefined ? 'eventbridge' : 'scheduler',
  };
}

/**
 * EventBridge's and Scheduler's error codes for a failed invocation that a later one can cure (the target was
 * throttled, unavailable or unreachable); codes such as NO_PERMISSIONS or RESOURCE_NOT_FOUND need a person.
 */
const TRANSIENT_DELIVERY_CODES = new Set([
  'THROTTLING',
  'CONNECTION_FAILURE',
  'TIMEOUT',
  'INTERNAL_ERROR',
  'SDK_CLIENT_ERROR',
  'AWS.Scheduler.InternalServerError',
  'AWS.Scheduler.Throttling',
  'AWS.Scheduler.ServiceUnavailable',
]);

/** Whether the failure that dead-lettered it was transient (core's one table, or a transient delivery code). */
export function failedTransiently(letter: DeadLetter): boolean {
  return TRANSIENT_DELIVERY_CODES.has(letter.error) || isTransient({ name: letter.error });
}

/** A stable identity of the work, across re-deliveries: the target and the payload's canonical JSON. */
export function deadLetterId(letter: Pick<DeadLetter, 'target' | 'payload'>): string {
  return createHash('sha256').update(letter.target).update('\n').update(canonical(letter.payload)).digest('hex');
}

/** What re-driving decided for one message. */
export type RedriveDecision = { redrive: true } | { redrive: false; reason: string };

/**
 * Re-drive a dead letter when its target is one of ours, its failure was transient, and the work has been failing
 * for no longer than the retry horizon (from the first time this work was dead-lettered: re-driven work that fails
 * again comes back as a new message). Otherwise it stays in the queue, where its age raises the dead-letter alarm.
 */
export function decideRedrive(
  letter: DeadLetter,
  firstDeadLetteredAt: string,
  now: Date,
  horizonSeconds: number,
  targets: ReadonlySet<string>,
): RedriveDecision {
  if (!targets.has(letter.target)) return { redrive: false, reason: `${letter.target} is not a Goldsmith function` };
  if (!failedTransiently(letter)) return { redrive: false, reason: `${letter.error} is permanent: ${letter.message}` };
  if (now.getTime() - Date.parse(firstDeadLetteredAt) > horizonSeconds * 1000) {
    return { redrive: false, reason: `still failing after the retry horizon, since ${firstDeadLetteredAt}` };
  }
  return { redrive: true };
}

/** A re-driven invocation that fails again is dead-lettered again within Lambda's retries (about three minutes). */
const CHAIN_MS = 3_600_000;

/**
 * When the work a dead letter stands for first failed: the history's start when this message continues a chain of
 * re-drives (it arrived within an hour of the last one), else the message's own arrival — the same payload failing
 * again days later (a schedule's fixed input) is a new failure, with a new retry horizon.
 */
export function firstFailureOf(
  history: { firstDeadLetteredAt: string; lastRedriveAt: string } | undefined,
  sentAt: string,
): string {
  if (!history) return sentAt;
  const continues = Date.parse(sentAt) <= Date.parse(history.lastRedriveAt) + CHAIN_MS;
  return continues ? history.firstDeadLetteredAt : sentAt;
}
