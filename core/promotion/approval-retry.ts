import { buildHashOfExecutionName } from './naming.js';

/**
 * What a RequestApproval attempt does when the ledger already holds an approval request for its build and channel.
 *
 * Step Functions gives every attempt of a `.waitForTaskToken` task a fresh task token (a retried attempt's token is
 * not the failed one's), so a retry cannot recognize its earlier request by the token. It recognizes it by the
 * execution that wrote it: the same promotion (the first execution of a build, or a resumption of it, named
 * `…-r<n>`) on the same state machine. Such a request is this promotion's own: the retry takes it over (the new
 * token, the same short id, so links already sent stay valid) and sends only what is still unsent. A request of any
 * other execution is another holder's, and is refused.
 */

/** The request already in the ledger, as far as this decision needs it. */
export interface HeldRequest {
  approvalId: string;
  /** The execution ARN of the attempt that wrote it (absent on requests recorded before executions were noted). */
  execution?: string | undefined;
  decision?: string | undefined;
  /** Set once Step Functions took the decision: the waiting attempt ended with it. */
  sentAt?: string | undefined;
}

/**
 * - `same-attempt`: this very attempt wrote it (same token, so same id): carry on with what is unsent.
 * - `take-over`: an earlier attempt of the same promotion wrote it: move it to this attempt's token and carry on.
 * - `refuse`: another promotion holds it, or its decision already reached Step Functions.
 */
export type HeldRequestVerdict =
  | { verdict: 'same-attempt' }
  | { verdict: 'take-over' }
  | { verdict: 'refuse'; reason: string };

/**
 * The promotion an execution ARN belongs to: its state machine and the hash of the build its name carries (a
 * resumption adds `-r<n>` and, for a long build name, shortens the readable part: core/promotion/naming.ts).
 * Execution ARNs: `arn:<partition>:states:<region>:<account>:execution:<machine>:<name>`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-executions.html).
 */
export function promotionOf(executionArn: string): string {
  const colon = executionArn.lastIndexOf(':');
  const name = executionArn.slice(colon + 1);
  return `${executionArn.slice(0, colon + 1)}${buildHashOfExecutionName(name) ?? name}`;
}

/** How an attempt (token id `approvalId`, execution `execution`) treats the request `held` it found in the ledger. */
export function judgeHeldRequest(
  held: HeldRequest,
  mine: { approvalId: string; execution?: string | undefined },
): HeldRequestVerdict {
  if (held.approvalId === mine.approvalId) return { verdict: 'same-attempt' };
  if (!held.execution || !mine.execution || promotionOf(held.execution) !== promotionOf(mine.execution)) {
    return { verdict: 'refuse', reason: 'another promotion holds it' };
  }
  if (held.sentAt) return { verdict: 'refuse', reason: `its ${held.decision ?? 'decision'} was already delivered` };
  return { verdict: 'take-over' };
}
