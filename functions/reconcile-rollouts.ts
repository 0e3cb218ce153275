import { executionStatus } from '../aws/own-execution.js';
import { openRollouts, stopRollout } from '../aws/rollout-ledger.js';
import { isTransient } from '../core/errors/classify.js';
import { rolloutExecutionName } from '../core/rollout/request.js';
import { tellRolloutStopped } from './rollout/tell.js';

/** What the reconciler found of rollouts whose execution stopped under them. */
export interface StoppedRolloutsReport {
  /** `image version channel (status)` of each rollout marked stopped now. */
  stopped: string[];
  failures: string[];
  permanentFailures?: number;
}

/**
 * A rollout whose record says running or paused but whose execution is no longer RUNNING (someone stopped it, it
 * failed past its retries, it timed out) would stay `running` forever, silently: no task of it writes again. Each
 * such record is marked `stopped` with the execution's status as the reason (a conditional write: one run, one
 * mark) and announced once (`rollout-stopped`). Nothing is refreshed or cancelled. Without a Rollout state machine
 * (no channel rolls out: no `ROLLOUT_STATE_MACHINE_ARN`) there is nothing to look at.
 */
export async function stopOrphanedRollouts(now: Date): Promise<StoppedRolloutsReport> {
  const report: StoppedRolloutsReport = { stopped: [], failures: [] };
  const machine = process.env.ROLLOUT_STATE_MACHINE_ARN;
  if (!machine) return report;
  const at = now.toISOString();
  for (const record of await openRollouts()) {
    const what = `${record.image} ${record.version} ${record.channel}`;
    try {
      const status = await executionStatus(machine, rolloutExecutionName(record.image, record.channel, record.version));
      if (status === 'RUNNING') continue;
      const reason = `its execution is ${status} while the rollout was ${record.state}`;
      if (!(await stopRollout(record, reason, at))) continue;
      await tellRolloutStopped({ ...record, state: 'stopped', reason, updatedAt: at }, status);
      report.stopped.push(`${what} (${status})`);
    } catch (error) {
      report.failures.push(`${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      if (!isTransient(error)) report.permanentFailures = (report.permanentFailures ?? 0) + 1;
    }
  }
  return report;
}
