import type { CostReport } from '../../core/cost/estimate.js';
import type { FailedCall } from '../fakes/middleware.js';
import { ORGANIZATIONS_PAGE_SIZE } from '../fakes/organizations.js';
import type { OutageReport } from '../fakes/outages.js';
import { formatViolation, modelCheckFigures } from '../models/request-check.js';
import { auditCalls } from './audit-calls.js';
import { type CallPlanFigures, callPlanFigures } from './call-minimum.js';
import type { LocalCloud } from './cloud.js';
import { dynamoByFunction } from './dynamo-usage.js';
import type { AsyncInvoker } from './invoke.js';
import { type AmiFigures, amiFigures, type PatchTime, patchTimes, withdrawnBuilds } from './lifecycle-audit.js';
import {
  buildsOf,
  pointersOf,
  promotionsOf,
  type ReportBuild,
  type ReportPointers,
  type ReportPromotion,
} from './report-builds.js';
import { type PausedPromotion, pausesOf, type RefusedAnnouncements, refusedAnnouncements } from './report-faults.js';
import type { FleetFigures } from './report-fleet.js';
import { scanLedger } from './report-ledger.js';
import { type MemberBaselineFigures, memberBaselineFigures } from './report-member-baseline.js';
import {
  type NotificationFigures,
  notificationFigures,
  notificationsOf,
  type ReportNotification,
  type SlackFigures,
  slackFigures,
} from './report-notifications.js';
import { type RolloutReport, rolloutsOf } from './report-rollouts.js';
import type { Scenario } from './scenario.js';
import { type SharingFigures, sharingFigures } from './sharing-figures.js';

/** The `simulate --json` report (docs/simulation.md), extended with `timeline` and `run`. */
export interface SimulationReport {
  scenario: { start: string; until: string; seed: number };
  builds: ReportBuild[];
  promotions: ReportPromotion[];
  pointers: ReportPointers;
  notifications: ReportNotification[];
  announcements?: NotificationFigures['announcements'];
  summaries?: NotificationFigures['summaries'];
  apiCalls: Record<string, number>;
  faults: {
    injected: number;
    retried: number;
    /** Attempts a service's own rate limit refused (its token bucket, local/throttle.ts): retried like injected faults. */
    throttled: number;
    failedCalls: number;
    /** Every call that failed after the SDK's retries, with what handled it. */
    failed: FailedCall[];
    /** Per outage window: calls failed, work deferred, when the last of it was done. */
    outages: OutageReport[];
    /** Dead-lettered invocations the re-drive made again (docs/simulation/report.md, `faults.redriven`), and dead letters left at the end. */
    redriven: number;
    deadLettersLeft: number;
    /**
     * Announcements SNS refused (after the SDK's retries): published later, still waiting in the ledger for the
     * reconciler at the end, or lost (neither published nor kept: SNS and the ledger failed together).
     */
    announcements: RefusedAnnouncements;
    /** Promotions a transient error paused at the end of the retry horizon, and their resumption. */
    paused: PausedPromotion[];
  };
  duplicatesSuppressed: number;
  /** Dead-lettered deliveries, and puts the bus policy refused (with the principal that tried). */
  /** Dead-lettered events (with `recovered` once the same invocation succeeded) and events the bus refused. */
  rejectedEvents: { at: string; reason: string; principal?: string; recovered?: { at: string; by: string } }[];
  rejectedCallbacks: number;
  /** What Slack received (the stand-in's count): messages posted, threads with replies, messages updated in place,
   * and Slack button presses the approval callback accepted or refused. Absent without Slack in the catalog. */
  slack?: SlackFigures;
  /** The end-of-run audit; `checks` counts what each check examined (docs/simulation.md). */
  /**
   * The end-of-run audit: `problems` are broken (and make `ok` false, `simulate` exits 1); `recovering` are documented
   * in-between states that end by themselves (a paused promotion the reconciler resumes), which leave `ok` true.
   */
  consistency: { ok: boolean; problems: string[]; recovering?: string[]; checks?: Record<string, number> };
  /**
   * Every request the run sent to the local cloud, and every fake response, checked against AWS's published API
   * model (local/models): violations name the service, operation, member path and rule, and fail the run.
   */
  apiModel: { requests: number; responses: number; newerThanModel: number; violations: string[] };
  /** Estimated cost of the run (core/cost): builds, storage, orchestration; per image and per promotion. */
  cost?: CostReport;
  /** Mutating EC2 calls against the planner's minimum; sharing waves' virtual time against the buckets' bound. */
  sharing?: SharingFigures;
  /** Calls made against the calls the plan needs, per operation, and DynamoDB requests (call-minimum.ts). */
  callPlan?: CallPlanFigures;
  /** AMIs and snapshots as EC2 would count them at the end of the run (docs/simulation.md, `amis`). */
  amis: AmiFigures;
  /** Each out-of-cycle rebuild: from the finding on a live version to a newer version in each channel. */
  patchTimes: PatchTime[];
  /** Member accounts' fleets (runs with `fleets`): patch compliance, versions per channel and OU, shares by day. */
  fleet?: FleetFigures;
  /** What the member baseline left in the member accounts (its stack instances, rollout roles, grants). */
  memberBaseline?: MemberBaselineFigures;
  /** Every rollout and each of its waves (started, healthy, failed, rolled back), from the ledger. */
  rollouts: RolloutReport[];
}

const withMemberBaseline = (figures: MemberBaselineFigures | undefined) => (figures ? { memberBaseline: figures } : {});

function apiModelFigures(): SimulationReport['apiModel'] {
  const f = modelCheckFigures();
  const violations = f.violations.map(formatViolation);
  if (f.violationCount > violations.length) violations.push(`… and ${f.violationCount - violations.length} more`);
  return { requests: f.requests, responses: f.responses, newerThanModel: f.newerThanModel, violations };
}

/** Builds the report from the ledger (what Goldsmith decided) and the fakes (what AWS would now hold). */
export async function buildReport(
  cloud: LocalCloud,
  scenario: Scenario,
  extras: {
    invoker: AsyncInvoker;
    rejectedCallbacks: number;
    slackPresses?: { approvals: number; refused: number };
    statusTimes: Map<string, { status: string; at: string }>;
  },
): Promise<SimulationReport> {
  const { fakes, stats } = cloud.installed;
  const table = cloud.wiring.tables[0]?.name ?? '';
  const items = await scanLedger(table);

  const builds = buildsOf(cloud, items, extras.statusTimes);
  const promotions = promotionsOf(cloud, items);
  const pointers = pointersOf(cloud);

  const notifications = notificationsOf(cloud);

  const { announcements, summaries } = notificationFigures(items);

  // Every copy the local cloud delivered beyond the first; the audit checks none of them had an effect.
  const duplicatesSuppressed = cloud.bus.stats.duplicates + extras.invoker.duplicates;

  const sharing = sharingFigures(
    cloud.catalog,
    promotions,
    stats.apiCalls,
    stats.sharingCalls,
    new Set(withdrawnBuilds(items).keys()),
  );
  const withTags = cloud.catalog.channels.some((c) => Object.keys(c.targets.accountTags).length > 0);
  const callPlan = callPlanFigures({
    promotions,
    builds,
    apiCalls: stats.apiCalls,
    minimumModifyImageAttribute: sharing.minimumModifyImageAttribute,
    organizationFullRead: fakes.organizations.fullReadCalls(ORGANIZATIONS_PAGE_SIZE, withTags),
    usageReportReads: fakes.ec2.usageReportReadsNeeded(),
    redriven: cloud.redrives.count,
    dynamoRequests: cloud.dynamoUsage.requests,
  });
  callPlan.audit = auditCalls(stats.callsByCaller);
  callPlan.dynamoByFunction = dynamoByFunction(cloud.dynamoUsage.byCaller);

  return {
    scenario: { start: scenario.start, until: scenario.until, seed: scenario.seed },
    builds: builds.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)),
    promotions,
    pointers,
    notifications,
    announcements,
    summaries,
    apiCalls: Object.fromEntries(Object.entries(stats.apiCalls).sort(([a], [b]) => a.localeCompare(b))),
    faults: {
      ...stats.faults,
      throttled: stats.throttled,
      failed: [...stats.failed],
      outages: cloud.outages.report(),
      redriven: cloud.redrives.count,
      deadLettersLeft: cloud.sqs.urls().reduce((n, url) => n + cloud.sqs.depth(url), 0),
      paused: pausesOf(items),
      announcements: refusedAnnouncements(fakes.sns, items),
    },
    duplicatesSuppressed,
    rejectedEvents: [
      ...extras.invoker.deadLetters.map((d) => ({
        at: d.at,
        reason: d.reason,
        ...(d.recovered ? { recovered: { ...d.recovered } } : {}),
      })),
      ...cloud.refusedPuts.map((r) => ({ at: r.at, reason: r.reason, principal: r.principal })),
    ].sort((a, b) => a.at.localeCompare(b.at)),
    rejectedCallbacks: extras.rejectedCallbacks,
    consistency: { ok: true, problems: [], checks: {} },
    ...(cloud.slack ? { slack: slackFigures(cloud.slack, items, extras.slackPresses) } : {}),
    apiModel: apiModelFigures(),
    sharing,
    callPlan,
    amis: amiFigures(cloud),
    patchTimes: patchTimes(items),
    rollouts: rolloutsOf(items),
    ...withMemberBaseline(memberBaselineFigures(fakes)),
  };
}
