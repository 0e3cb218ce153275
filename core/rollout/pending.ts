import type { PendingScope, RolloutWave, ScopeFailure } from './record.js';

/**
 * An account throttling its own Auto Scaling or STS (or answering 5xx) after the SDK's retries must not hold the
 * rest of the wave: the other accounts' refreshes are recorded, and that account's groups are tried again at each
 * check until PENDING_MINUTES after the wave started (about the state machine's own Retry budget for a step), then
 * recorded as that account's failure (`Throttling after N attempts`). Only when every account of the wave answers
 * retriably (AWS itself is out) is the step thrown for the state machine's Retry.
 */
export const PENDING_MINUTES = 30;

/** When a wave stops trying its pending accounts again. */
export function pendingDeadline(wave: Pick<RolloutWave, 'startedAt'>, now: string): number {
  return Date.parse(wave.startedAt ?? now) + PENDING_MINUTES * 60_000;
}

/** AWS's error code and message of a retriable error. */
export function answerOf(error: unknown): { code: string; message: string } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  const code = typeof e.name === 'string' && e.name.length > 0 ? e.name : 'Error';
  return { code, message: typeof e.message === 'string' && e.message.length > 0 ? e.message : code };
}

/**
 * The scopes still answering retriably after one more attempt: pending again, or, past the deadline, each recorded
 * as its account's failure.
 */
export function settlePending(
  tried: readonly { where: { account: string; region: string }; attempts: number; error: unknown }[],
  deadline: number,
  now: string,
): { pending: PendingScope[]; failures: ScopeFailure[] } {
  const pending: PendingScope[] = [];
  const failures: ScopeFailure[] = [];
  for (const t of tried) {
    const { code, message } = answerOf(t.error);
    if (Date.parse(now) < deadline) {
      pending.push({ ...t.where, attempts: t.attempts, code, message });
      continue;
    }
    const times = `${code} after ${t.attempts} attempts`;
    failures.push({ ...t.where, step: 'start', code, message: `${times}: ${message}`, at: now });
  }
  return { pending, failures };
}
