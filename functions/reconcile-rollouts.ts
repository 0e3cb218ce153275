import type { OpenWork } from '../aws/ledger/open-work.js';
import { ExecutionSquattedError, executionStatus, startOwnExecution } from '../aws/promotion/own-execution.js';
import { markTakeBackStopped, openRollouts, openTakeBacks, stopRollout } from '../aws/rollout/rollout-ledger.js';
import { isTransient } from '../core/errors/classify.js';
import type { RolloutRecord } from '../core/rollout/record.js';
import { rolloutExecutionNameOf, rolloutTakeBackExecutionName } from '../core/rollout/request.js';
import { followedByItsExecution, reachedGroups } from '../core/rollout/supersede.js';
import { tellRolloutStopped } from './rollout/tell.js';

/** What the reconciler found of rollouts whose execution stopped under them. */
export interface StoppedRolloutsReport {
  /** `image version channel (status)` of each rollout marked stopped now (`take-back` when it was a take-back's). */
  stopped: string[];
  /** `image version channel (execution)` of each retry whose execution the reconciler started (its start was lost). */
  retried?: string[];
  failures: string[];
  permanentFailures?: number;
}

/**
 * A rollout whose record says running or paused but whose execution is no longer RUNNING (someone stopped it, it
 * failed past its retries, it timed out) would stay `running` forever, silently: no task of it writes again. Each
 * such record is marked `stopped` with the execution's status as the reason (a conditional write on the record as
 * read: one run, one mark, and none over a retry written since) and announced once (`rollout-stopped`). A record a
 * retry wrote (`retrying`) whose execution does not exist yet is the retry's, not stopped: the reconciler starts that
 * execution itself (StartExecution under the retry's deterministic name, which the retry's own start then finds),
 * taking an existing one of that name only when it is the retry's own (same input, started after the retry decided:
 * startOwnExecution); a foreign one marks the rollout stopped with that reason. Nothing is refreshed or cancelled. The
 * same for a revoked version's
 * take-back (an ended rollout superseded, its groups on their way back, {@link stopOrphanedTakeBacks}). Without a
 * Rollout state machine (no channel rolls out: no `ROLLOUT_STATE_MACHINE_ARN`) there is nothing to look at.
 */
export async function stopOrphanedRollouts(
  now: Date,
  /** What the run's read of the open-work index found (aws/ledger/open-work.ts), or nothing: a Query of its own. */
  read?: OpenWork,
): Promise<StoppedRolloutsReport> {
  const report: StoppedRolloutsReport = { stopped: [], failures: [] };
  const machine = process.env.ROLLOUT_STATE_MACHINE_ARN;
  if (!machine) return report;
  const at = now.toISOString();
  for (const record of await openRollouts(read)) {
    await checked(report, record, async (what) => {
      const name = rolloutExecutionNameOf(record);
      const status = await executionStatus(machine, name);
      if (status === 'RUNNING') return;
      // A retry wrote its intent and has not started its execution yet (or its start failed): start it, under the
      // name the retry chose, which the retry's own start (a repeat, or one still under way) then finds as its own.
      // Only its own: an execution of that name started before the retry decided, or with another input, is someone
      // else's (startOwnExecution); the rollout is marked stopped saying so, and nothing drives it.
      if (status === 'MISSING' && record.retrying?.execution === name) {
        const input = { image: record.image, channel: record.channel, version: record.version };
        const started = await startOwnExecution(machine, name, input, { notBefore: record.retrying.at }).catch(
          (error: unknown) => {
            if (error instanceof ExecutionSquattedError) return error;
            throw error;
          },
        );
        if (!(started instanceof ExecutionSquattedError)) {
          report.retried = [...(report.retried ?? []), `${what} (${name})`];
          return;
        }
        const reason = `its retry's execution is not its own: ${started.message}`;
        await markStopped(report, { record, what, at }, reason, started.status, 'not its own execution');
        return;
      }
      const reason = `its execution is ${status} while the rollout was ${record.state}`;
      await markStopped(report, { record, what, at }, reason, status, status);
    });
  }
  await stopOrphanedTakeBacks(machine, at, report, read);
  return report;
}

/** Marks the rollout stopped with `reason` (one run, one mark), announces it once, and reports `what (why)`. */
async function markStopped(
  report: StoppedRolloutsReport,
  { record, what, at }: { record: RolloutRecord; what: string; at: string },
  reason: string,
  status: string,
  why: string,
): Promise<void> {
  if (!(await stopRollout(record, reason, at))) return;
  await tellRolloutStopped({ ...record, state: 'stopped', reason, updatedAt: at }, status);
  report.stopped.push(`${what} (${why})`);
}

/**
 * A take-back whose execution is no longer RUNNING before it recorded every group back (the `back-…` execution, or a
 * halted rollout's own one still following its rollback) would leave the groups not yet moved on the revoked version,
 * silently. Each is marked (`takenBack.stopped`, closing its open work: one run, one mark) and announced once
 * (`rollout-stopped`, naming the take-back). Nothing is refreshed; `rollout status` lists where each group is.
 */
async function stopOrphanedTakeBacks(
  machine: string,
  at: string,
  report: StoppedRolloutsReport,
  read?: OpenWork,
): Promise<void> {
  for (const record of await openTakeBacks(read)) {
    if (record.replacement?.settledAt !== undefined) continue;
    await checked(report, record, async (what) => {
      const name = followedByItsExecution(record)
        ? rolloutExecutionNameOf(record)
        : rolloutTakeBackExecutionName(record.image, record.channel, record.version, record.attempt);
      const status = await executionStatus(machine, name);
      if (status === 'RUNNING') return;
      if (!(await markTakeBackStopped(record, status, at))) return;
      const reason = `the execution taking its ${reachedGroups(record).length} group(s) back after the revocation is ${status} before it recorded them all back`;
      await tellRolloutStopped({ ...record, reason, updatedAt: at }, status, true);
      report.stopped.push(`${what} take-back (${status})`);
    });
  }
}

/** Runs one record's check, a failure counted (and kept for the next run) rather than stopping the others. */
async function checked(
  report: StoppedRolloutsReport,
  record: RolloutRecord,
  check: (what: string) => Promise<void>,
): Promise<void> {
  const what = `${record.image} ${record.version} ${record.channel}`;
  try {
    await check(what);
  } catch (error) {
    report.failures.push(`${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    if (!isTransient(error)) report.permanentFailures = (report.permanentFailures ?? 0) + 1;
  }
}
