import { createHash } from 'node:crypto';
import { canonical } from '../canonical-json.js';
import type { DeadLetter } from './dead-letters.js';

/**
 * What Goldsmith itself recorded of a failed asynchronous invocation, and whether a dead letter is one of them, pure.
 * Lambda's on-failure record names the failed request (`requestContext.requestId`), the function and the payload
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html), but anyone who may send to
 * the queue can write one: so when one of Goldsmith's handlers invoked asynchronously throws, it first records the
 * request under `FAILED-INVOCATION#<requestId>` (the function and a digest of the event), and the re-drive invokes a
 * dead letter again only when that record exists, names the same function and the same payload, and was not
 * re-driven from another message already.
 */

/** The partition-key prefix of failed-invocation records; function roles may write only under it. */
export const FAILED_INVOCATION_PREFIX = 'FAILED-INVOCATION#';

/** Records are kept past the dead-letter queues' retention (14 days) and any retry horizon. */
export const FAILED_INVOCATION_TTL_DAYS = 30;

/** The ledger key of the record of failed request `requestId`. */
export function failedInvocationKey(requestId: string): { pk: string; sk: string } {
  return { pk: `${FAILED_INVOCATION_PREFIX}${requestId}`, sk: 'RECORD' };
}

/** The sha-256 digest of an invocation's event, as its canonical JSON: what the record and the dead letter share. */
export function payloadDigest(payload: unknown): string {
  return createHash('sha256').update(canonical(payload)).digest('hex');
}

/** A failed invocation as its handler recorded it. */
export interface FailedInvocation {
  /** The function that failed (unqualified ARN). */
  functionArn: string;
  digest: string;
  failedAt: string;
  /** The dead letter (SQS MessageId) whose re-drive consumed the record, once one did. */
  consumedBy?: string;
}

/** Whether a dead letter may be re-driven, given what the ledger recorded of its request. */
export type RecordedCheck =
  | { ok: true; requestId: string }
  /** Provably not the recorded work (another function, another payload) or a copy of one already re-driven. */
  | { ok: false; refused: string; found: string; keep: false }
  /** Nothing recorded: not Goldsmith's, or the ledger itself was down when it failed. Kept for a person. */
  | { ok: false; refused: string; found: string; keep: true };

/**
 * Checks a dead letter in Lambda's on-failure record shape against Goldsmith's record of the failure.
 * @param messageId the SQS message it arrived as: a record consumed by this very message (a re-drive that failed
 * after consuming it) may be used again; one consumed by another message is a replay.
 */
export function checkRecordedFailure(
  letter: Pick<DeadLetter, 'target' | 'payload' | 'requestId'>,
  recorded: FailedInvocation | undefined,
  messageId: string,
): RecordedCheck {
  const name = letter.target.split(':').pop() ?? letter.target;
  if (letter.requestId === undefined) {
    return { ok: false, keep: false, found: `${name}, no request id`, refused: 'the record names no request' };
  }
  const found = `${name}, request ${letter.requestId}`;
  if (!recorded) {
    return {
      ok: false,
      keep: true,
      found,
      refused:
        'Goldsmith recorded no failed invocation under that request id (not its own, or the ledger was down when it ' +
        'failed); left in the queue for a person',
    };
  }
  if (recorded.functionArn !== letter.target) {
    return { ok: false, keep: false, found, refused: `the request failed in ${recorded.functionArn}, not ${name}` };
  }
  if (recorded.digest !== payloadDigest(letter.payload)) {
    return { ok: false, keep: false, found, refused: 'its payload is not the one the request failed with' };
  }
  if (recorded.consumedBy !== undefined && recorded.consumedBy !== messageId) {
    return { ok: false, keep: false, found, refused: 'that failure was already re-driven from another dead letter' };
  }
  return { ok: true, requestId: letter.requestId };
}
