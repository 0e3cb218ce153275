import type { RolloutRoleLookup } from '../../aws/rollout/member-baseline-roles.js';
import { accountMoving } from '../../aws/rollout/member-baseline-roles.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import { isRoleRefusal } from '../../core/rollout/moving.js';

/** Accounts whose stack instances are listed at once: one ListStackInstances each. */
const AT_ONCE = 4;

/** The error code a moving account's refusal is kept under while the wave waits for it (core/rollout/pending.ts). */
export const ACCOUNT_MOVING = 'AccountMoving';

/**
 * Of the accounts that refused the engine's credentials (their rollout role denied or missing), those the member
 * baseline's StackSet lists between two stack instances (core/rollout/moving.ts). None without a StackSet to ask.
 */
export async function movingAccounts(
  lookup: RolloutRoleLookup | undefined,
  refused: readonly { account: string; code: string }[],
): Promise<Set<string>> {
  if (!lookup) return new Set();
  const accounts = [...new Set(refused.filter((r) => isRoleRefusal(r.code)).map((r) => r.account))];
  const found = await mapWithConcurrency(accounts, AT_ONCE, async (a) => ((await accountMoving(lookup, a)) ? [a] : []));
  return new Set(found.flat());
}

/**
 * A refusal to start a wave in an account between two stack instances, as a retriable answer: the account is left
 * pending and tried again at each check (functions/rollout/pending.ts), never taken for AWS being out.
 */
export function movingAnswer(refused: { code: string; message: string }): Error {
  const error = new Error(
    `between member baseline stack instances (moving between OUs): ${refused.code}: ${refused.message}`,
  );
  error.name = ACCOUNT_MOVING;
  return error;
}

export const isMovingAnswer = (error: unknown) => error instanceof Error && error.name === ACCOUNT_MOVING;
