import type { CaughtFailure, PromotionOutcome } from './types.js';

/** Error names our task functions throw for a decision, not a fault (they are caught, never retried). */
export const DECISION_ERRORS = {
  gateRejected: 'GateRejected',
  soakAborted: 'SoakAborted',
  /** The approval callback's SendTaskFailure error. */
  approvalRejected: 'Rejected',
  /** The build was revoked while its promotion ran: it stops at its next step. */
  revoked: 'Revoked',
  /** The build was made on a revoked parent (or a revoked ancestor): it passes no further gate until rebuilt. */
  builtOnRevoked: 'BuiltOnRevoked',
} as const;

/** A channel decision derived from how its iteration failed. */
export interface FailureDecision {
  outcome: Exclude<PromotionOutcome, 'promoted'>;
  reason: string;
  /** Who decided, when the cause names them (the approval callback's rejection does). */
  by?: string | undefined;
}

/**
 * The cause sent with a rejection: JSON, so the recorded outcome names who decided and keeps their reason (the
 * outcome's reason is the approver's, never a restatement of who rejected).
 */
export function rejectionCause(by: string, at: string, reason?: string): string {
  return JSON.stringify({ errorMessage: reason ?? 'no reason given', by, at });
}

function causeBy(cause: string | undefined): string | undefined {
  try {
    // Stryker disable next-line StringLiteral: any text that is not JSON, as '' is not, makes the parse throw alike
    const parsed: unknown = JSON.parse(cause ?? '');
    return parsed && typeof parsed === 'object' && 'by' in parsed && typeof parsed.by === 'string'
      ? parsed.by
      : undefined;
  } catch {
    return undefined;
  }
}

function causeText(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  // Lambda failures arrive as a JSON Cause ({ errorType, errorMessage }); SendTaskFailure causes are plain text.
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed && typeof parsed.errorMessage === 'string') {
      return parsed.errorMessage;
    }
  } catch {
    // not JSON: the cause is the message
  }
  return cause;
}

/**
 * Maps a caught Step Functions failure to the recorded outcome: a gate or approval "no" is `rejected`, a task-token
 * timeout is `expired`, everything else (soak news, faults after retries) is `aborted`. The reason keeps the cause.
 */
export function decideFailure(failure: CaughtFailure): FailureDecision {
  const detail = causeText(failure.Cause);
  switch (failure.Error) {
    case DECISION_ERRORS.gateRejected:
      return { outcome: 'rejected', reason: detail ?? 'gate rejected the build' };
    case DECISION_ERRORS.approvalRejected:
      return { outcome: 'rejected', reason: detail ?? 'approval rejected', by: causeBy(failure.Cause) };
    case 'States.Timeout':
      return { outcome: 'expired', reason: 'approval timed out without a decision' };
    case DECISION_ERRORS.soakAborted:
      return { outcome: 'aborted', reason: detail ?? 'soak aborted' };
    case DECISION_ERRORS.revoked:
      return { outcome: 'aborted', reason: detail ?? 'revoked' };
    case DECISION_ERRORS.builtOnRevoked:
      return { outcome: 'aborted', reason: detail ?? 'built on a revoked parent' };
    default:
      return { outcome: 'aborted', reason: detail ? `${failure.Error}: ${detail}` : failure.Error };
  }
}
