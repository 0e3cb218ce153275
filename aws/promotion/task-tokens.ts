import { isSealed, openTaskToken, sealTaskToken } from '../../core/promotion/task-token-seal.js';
import { taskTokenKeys } from './approval-secret.js';
import { type ApprovalRecord, approvalKey } from './promotion-approvals.js';
import { type SoakRecord, soakKey } from './promotion-soaks.js';

/**
 * The ledger's task tokens, sealed with the task-token key (core/promotion/task-token-seal.ts) and bound to the item
 * that holds them (its `pk` and `sk`). Sealed by the two tasks that receive tokens (RequestApproval, Soak); opened
 * only by the functions that answer tasks (the approval callback, the operator endpoint, the reconciler, the
 * revocation paths): the others have neither the key nor `states:SendTask*`.
 */

/** The ledger key a token is bound to. */
export interface TokenHolder {
  pk: string;
  sk: string;
}

const boundOf = (holder: TokenHolder) => `${holder.pk}\n${holder.sk}`;

/** `token` as the item `holder` stores it: sealed with the current task-token key. */
export async function sealedToken(token: string, holder: TokenHolder, now: Date = new Date()): Promise<string> {
  const [current] = await taskTokenKeys(now);
  return sealTaskToken(token, current as string, boundOf(holder));
}

/** The task token `stored` (sealed, or a 0.2.0 record's in the clear) in the item `holder` stands for. */
export async function openedToken(stored: string, holder: TokenHolder, now: Date = new Date()): Promise<string> {
  // A 0.2.0 record's token in the clear needs no key.
  if (!isSealed(stored)) return stored;
  return openTaskToken(stored, await taskTokenKeys(now), boundOf(holder));
}

/** The current task-token key: what a request's link nonce is derived with. */
export async function currentTaskTokenKey(now: Date = new Date()): Promise<string> {
  const [current] = await taskTokenKeys(now);
  return current as string;
}

/** The task token an approval request (or, `stored`, the token its decision was given on) waits on, opened. */
export function approvalTaskToken(
  a: Pick<ApprovalRecord, 'image' | 'version' | 'channel' | 'taskToken'>,
  now: Date = new Date(),
  stored: string = a.taskToken,
): Promise<string> {
  return openedToken(stored, approvalKey(a.image, a.version, a.channel), now);
}

/** The task token a soak waits on, opened. */
export function soakTaskToken(
  s: Pick<SoakRecord, 'image' | 'version' | 'channel' | 'taskToken'>,
  now: Date = new Date(),
): Promise<string> {
  return openedToken(s.taskToken, soakKey(s.image, s.version, s.channel), now);
}
