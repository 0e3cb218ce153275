import { startOwnExecution } from '../../aws/own-execution.js';
import { readRollout, supersedeEndedRollout } from '../../aws/rollout-ledger.js';
import { rolloutTakeBackExecutionName } from '../../core/rollout/request.js';
import { followedByItsExecution, takesBack, withdrawnReason } from '../../core/rollout/supersede.js';

/** One channel's revocation, as far as its rollout of the revoked version goes. */
export interface TakeBackRequest {
  image: string;
  channel: string;
  version: string;
  /** The revocation's reason. */
  reason: string;
  at: string;
  /** Whether the revocation withdrew the channel's pointer (no earlier version to go back to). */
  withdrawn: boolean;
}

/**
 * A revoked version whose rollout to the channel had ended (completed, halted with waves that stayed healthy, or
 * aborted or stopped after it started a refresh: core `takesBack`) left its groups on the revoked AMI: the record is marked superseded (keeping how and when it ended), and a Rollout
 * execution of its own takes every group it refreshed to the version the pointer went back to, exactly as a rollout
 * superseded while it ran (functions/rollout/supersede.ts). When the pointer was withdrawn, nothing is refreshed and
 * the reason says so. Safe to retry: the record is marked once, and a retry that finds it marked and not yet settled
 * starts the same named execution again, which Step Functions answers with the one it started (startOwnExecution).
 * A halted rollout whose own execution still follows its rollback is only marked: that execution moves the groups.
 * @returns whether a take-back execution was started (or found).
 */
export async function takeBackEndedRollout(request: TakeBackRequest): Promise<boolean> {
  const { image, channel, version, at } = request;
  const read = await readRollout(image, channel, version);
  if (!read) return false;
  const from = takesBack(read);
  if (from) {
    const reason = `revoked: ${request.reason}`;
    const takenBack = { from, at, ...(read.reason !== undefined && { reason: read.reason }) };
    if (request.withdrawn) {
      const why = `the ${channel} pointer was withdrawn`;
      await supersedeEndedRollout(read, takenBack, withdrawnReason(read, reason), { amis: {}, why, settledAt: at });
      return false;
    }
    await supersedeEndedRollout(read, takenBack, reason);
  }
  const record = from ? await readRollout(image, channel, version) : read;
  if (record?.state !== 'superseded' || !record.takenBack || record.replacement?.settledAt !== undefined) return false;
  // A halted rollout's execution still following its wave's rollback takes the groups back itself.
  if (followedByItsExecution(record)) return false;
  const arn = process.env.ROLLOUT_STATE_MACHINE_ARN;
  if (!arn) throw new Error(`ROLLOUT_STATE_MACHINE_ARN is not set, but channel ${channel} rolls out`);
  await startOwnExecution(arn, rolloutTakeBackExecutionName(image, channel, version), { image, channel, version });
  return true;
}
