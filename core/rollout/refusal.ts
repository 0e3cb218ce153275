import { classifyError } from '../errors/classify.js';

/**
 * A member account's own refusal of the rollout engine: AWS answered a call made as the account's rollout role with a
 * client error that no retry will change (the role is missing or denies the call: STS `AccessDenied`; Auto Scaling
 * `AccessDenied`, `ValidationError`, `InstanceRefreshInProgress`; EC2 `UnauthorizedOperation`). Such an account (or
 * group) is recorded as failed and the rest of the wave goes on. Throttling, 5xx and dropped connections are not
 * refusals: they are thrown, waited out by the SDK's adaptive retry and the state machine's Retry
 * (core/errors/classify.ts). Neither is an error AWS did not answer (no `$metadata`), nor one of ours.
 */
export interface Refusal {
  code: string;
  message: string;
}

/** The refusal `error` is, or undefined when it must be thrown (transient, or not AWS's answer). */
export function refusalOf(error: unknown): Refusal | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; message?: unknown; $metadata?: unknown; $fault?: unknown };
  if (typeof e.$metadata !== 'object' || e.$metadata === null || e.$fault !== 'client') return undefined;
  if (classifyError(error) !== 'permanent') return undefined;
  const code = typeof e.name === 'string' && e.name.length > 0 ? e.name : 'Error';
  const message = typeof e.message === 'string' && e.message.length > 0 ? e.message : code;
  return { code, message };
}

/** Runs `fn`; an account's refusal is returned (`refused`), anything else thrown as it came. */
export async function unlessRefused<T>(fn: () => Promise<T>): Promise<{ value: T } | { refused: Refusal }> {
  try {
    return { value: await fn() };
  } catch (error) {
    const refused = refusalOf(error);
    if (!refused) throw error;
    return { refused };
  }
}
