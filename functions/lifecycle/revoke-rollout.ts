import { announce } from '../../aws/notifications/notifications.js';
import { ExecutionSquattedError, startOwnExecution } from '../../aws/promotion/own-execution.js';
import { readRollout, supersedeEndedRollout, supersedeRollout } from '../../aws/rollout/rollout-ledger.js';
import { announcement } from '../../core/notifications/announce.js';
import { rolloutTakeBackExecutionName } from '../../core/rollout/request.js';
import { followedByItsExecution, takesBack, withdrawnReason } from '../../core/rollout/supersede.js';

/** One channel's revocation (or operator rollback), as far as its rollout of the version it left goes. */
export interface TakeBackRequest {
  image: string;
  channel: string;
  version: string;
  /** The revocation's (or rollback's) reason. */
  reason: string;
  /** What moved the pointer off the version, the reason's prefix: `revoked` (the default), `rolled back` or `rolled forward`. */
  cause?: 'revoked' | 'rolled back' | 'rolled forward';
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
 * The execution is taken as this take-back's only when it started no earlier than the time the record holds for the
 * take-back (`takenBack.at`, written before any start, the same on a retry), as Publish does for a rollout: one of
 * that name and input started before was someone else's (aws/promotion/own-execution.ts). Such a squatted name is refused and
 * announced once (`rollout-stopped`, with the squatter's status); the record stays superseded, its groups where
 * they are, for an operator to look at.
 * @returns whether a take-back execution was started (or found as this one's).
 */
export async function takeBackEndedRollout(request: TakeBackRequest): Promise<boolean> {
  const { image, channel, version, at } = request;
  const read = await readRollout(image, channel, version);
  if (!read) return false;
  const from = takesBack(read);
  if (from) {
    const reason = `${request.cause ?? 'revoked'}: ${request.reason}`;
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
  const name = rolloutTakeBackExecutionName(image, channel, version, record.attempt);
  const input = { image, channel, version };
  try {
    await startOwnExecution(arn, name, input, { notBefore: record.takenBack.at });
  } catch (error) {
    if (!(error instanceof ExecutionSquattedError)) throw error;
    const wave = record.waves[record.currentWave];
    const detail = {
      wave: wave?.name ?? '',
      waveNumber: record.currentWave + 1,
      waves: record.waves.length,
      reason: `take-back not started: ${error.message}`,
      execution: error.status,
      takeBack: true as const,
    };
    await announce(
      announcement('rollout-stopped', input, detail, { at: record.takenBack.at, key: `take-back-squatted:${name}` }),
    );
    return false;
  }
  return true;
}

/**
 * What a channel's pointer leaving a version (a revocation, an operator's rollback) does to that version's rollout,
 * before the pointer moves: a rollout still running or paused is marked superseded, and its own execution takes the
 * groups of the waves it started to the version the pointer goes to, leaving waves not started untouched
 * (functions/rollout/supersede.ts); a rollout that had ended gets an execution of its own to do the same
 * (takeBackEndedRollout). Marked before the pointer moves, so a retry that finds the pointer moved has nothing left
 * to start; each step is conditional, so a retry before the move changes nothing twice.
 */
export async function supersedeChannelRollout(request: TakeBackRequest): Promise<void> {
  const { image, channel, version, at } = request;
  await supersedeRollout(image, channel, version, `${request.cause ?? 'revoked'}: ${request.reason}`, at);
  await takeBackEndedRollout(request);
}
