import { announce } from '../../aws/notifications/notifications.js';
import { deleteDeadLetter, hideDeadLetter, type ReceivedDeadLetter } from '../../aws/redrive/dead-letters.js';
import { consumeFailedInvocation, readFailedInvocation } from '../../aws/redrive/failed-invocations.js';
import { announcement } from '../../core/notifications/announce.js';
import type { DeadLetter } from '../../core/redrive/dead-letters.js';
import { checkRecordedFailure, payloadDigest } from '../../core/redrive/failed-invocations.js';
import { logger } from '../lib/powertools.js';

/** The parts of a re-drive's report these steps write. */
export interface RecordedReport {
  left: string[];
  failed: string[];
  refused: string[];
}

export const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Leaves a message for a person, hidden for half a day so hourly looks do not re-read it. */
export async function leave(queueUrl: string, taken: ReceivedDeadLetter, why: string, report: RecordedReport) {
  report.left.push(why);
  try {
    await hideDeadLetter(queueUrl, taken.receiptHandle);
  } catch (error) {
    report.failed.push(`${why}: hiding it failed (${describe(error)})`);
  }
}

interface Refusal {
  refused: string;
  found: string;
  keep: boolean;
}

/**
 * Refuses a Lambda failure record that is not one of Goldsmith's own recorded failures
 * (core/redrive/failed-invocations.ts): announced once, as `claim-refused`, and never invoked. One that contradicts
 * the record (another function or payload, a replay) is deleted; one with no record at all is kept for a person (the
 * ledger may have been down when a real invocation failed).
 */
async function refuse(
  queueUrl: string,
  taken: ReceivedDeadLetter,
  letter: DeadLetter,
  reason: Refusal,
  now: Date,
  report: RecordedReport,
): Promise<void> {
  report.refused.push(`${reason.found}: ${reason.refused}`);
  logger.error('dead letter refused: not a failure Goldsmith recorded', { ...reason, queue: queueUrl });
  await announce(
    announcement(
      'claim-refused',
      {},
      { claim: 'dead-letter', found: reason.found, reason: `${reason.refused}; it was not invoked` },
      { at: now.toISOString(), key: `${letter.requestId ?? taken.messageId}\n${payloadDigest(letter.payload)}` },
    ),
    now,
  );
  if (reason.keep) return leave(queueUrl, taken, `${reason.found}: ${reason.refused}`, report);
  await deleteDeadLetter(queueUrl, taken.receiptHandle);
}

/**
 * The request whose recorded failure a Lambda failure record stands for, or `'refused'` (done with: announced, and
 * deleted or kept). Rule and schedule dead letters (no request) come only from EventBridge and Scheduler, as the
 * queue's policy admits them (stacks/resource-doors.ts): `undefined`, nothing to check.
 */
export async function recordedRequestOf(
  queueUrl: string,
  taken: ReceivedDeadLetter,
  letter: DeadLetter,
  now: Date,
  report: RecordedReport,
): Promise<string | 'refused' | undefined> {
  if (letter.via !== 'lambda-destination') return undefined;
  const recorded = letter.requestId === undefined ? undefined : await readFailedInvocation(letter.requestId);
  const check = checkRecordedFailure(letter, recorded, taken.messageId);
  if (check.ok) return check.requestId;
  await refuse(queueUrl, taken, letter, check, now, report);
  return 'refused';
}

/**
 * Consumes the recorded failure for this dead letter, conditionally, just before it is invoked again: a copy of it
 * in another message that got here first wins, and this one is refused (a replay does not run twice).
 * @returns false when refused.
 */
export async function consumeRecord(
  queueUrl: string,
  taken: ReceivedDeadLetter,
  letter: DeadLetter,
  requestId: string,
  now: Date,
  report: RecordedReport,
): Promise<boolean> {
  const expected = { functionArn: letter.target, digest: payloadDigest(letter.payload) };
  if (await consumeFailedInvocation(requestId, expected, taken.messageId, now)) return true;
  const found = `${letter.target.split(':').pop()}, request ${requestId}`;
  const refused = 'that failure was already re-driven from another dead letter';
  await refuse(queueUrl, taken, letter, { found, refused, keep: false }, now, report);
  return false;
}
