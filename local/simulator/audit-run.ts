import { auditUpgradedExecutions } from '../snapshot/upgrade.js';
import { auditConsistency } from './audit.js';
import { auditApprovalChanges } from './audit-approval-changes.js';
import { auditDeadLetters, deadLetterBoundMs } from './audit-dead-letters.js';
import { auditEffects } from './audit-effects.js';
import { fleetShapesAudit } from './audit-fleet-shapes.js';
import { auditFleets } from './audit-fleets.js';
import { auditImageView } from './audit-image-view.js';
import { auditOutages } from './audit-outages.js';
import { pausedChannels } from './audit-recovering.js';
import { auditSlack } from './audit-slack.js';
import { auditLifecycle, retiredSharedUsers, withdrawnBuilds } from './lifecycle-audit.js';
import type { SimulationReport } from './report.js';
import type { scanLedger } from './report-ledger.js';
import type { LiveRun } from './run.js';
import type { SavedCloud } from './saved-cloud.js';

/**
 * Every audit of a run at its end, as the report's `consistency`: the consistency audit, then the outages', Slack's,
 * the lifecycle's, the image view's and the approval requests' changes, the fleets' with fleets, and the upgraded executions' when `opened` is the
 * saved cloud another release wrote; a resumed run's approval requests are those made since `resumedAt`.
 */
export async function auditRun(
  run: LiveRun,
  report: SimulationReport,
  ledgerItems: Awaited<ReturnType<typeof scanLedger>>,
  opened: SavedCloud | undefined,
  resumedAt?: string,
): Promise<SimulationReport['consistency']> {
  const { cloud, scenario } = run;
  const paused = pausedChannels(ledgerItems);
  const consistency = auditConsistency(
    cloud,
    report,
    withdrawnBuilds(ledgerItems),
    paused,
    retiredSharedUsers(ledgerItems),
  );
  report.consistency = consistency;
  const outageAudit = await auditOutages(cloud, report);
  const slackAudit = await auditSlack(cloud);
  const lifecycle = auditLifecycle(cloud, report.pointers, ledgerItems);
  const imageViews = await auditImageView(cloud.wiring.tables[0]?.name ?? '', ledgerItems);
  const checks = (consistency as { checks?: Record<string, number> }).checks ?? {};
  const deadLetters = auditDeadLetters(
    cloud.invoker.deadLetters,
    cloud.clock.now(),
    deadLetterBoundMs(cloud.catalog.resilience.retryHorizon),
  );
  const effects = auditEffects(cloud, report, ledgerItems, run.statusTimes, new Set(paused.keys()));
  const audits = [
    outageAudit,
    slackAudit,
    lifecycle,
    imageViews,
    auditApprovalChanges(cloud, resumedAt),
    deadLetters,
    effects,
  ];
  if (scenario.fleets.length > 0)
    audits.push(auditFleets(cloud, ledgerItems), fleetShapesAudit(cloud, scenario, report));
  if (opened) {
    const running = opened.stepFunctions.running.map((r) => r.executionArn);
    audits.push(auditUpgradedExecutions(running, cloud.sfn.list()));
  }
  return {
    ...consistency,
    ok: consistency.ok && audits.every((a) => a.problems.length === 0),
    problems: [...consistency.problems, ...audits.flatMap((a) => a.problems)],
    recovering: [...(consistency.recovering ?? []), ...deadLetters.recovering],
    checks: Object.assign({ ...checks }, ...audits.map((a) => a.checks)),
  };
}
