/**
 * The reconciler's decisions, pure: given the builds Image Builder lists for our pipelines and what the ledger
 * knows about each, which builds missed their "Image State Change" handling and what must be done for them.
 * EventBridge delivers at least once and sometimes not at all; this is what catches the "not at all".
 */
import { daysPassed } from '../duration.js';

/** Statuses after which on-image-event acts: promote (AVAILABLE) or announce (FAILED, CANCELLED). */
export const ACTIONABLE_STATUSES = ['AVAILABLE', 'FAILED', 'CANCELLED'] as const;
export type ActionableStatus = (typeof ACTIONABLE_STATUSES)[number];

/** How far back the reconciler looks by default: well inside Step Functions' 90-day execution-name uniqueness. */
export const DEFAULT_WINDOW_DAYS = 14;
/** Above this, a repeated StartExecution name could start a second promotion: the window must stay below it. */
export const MAX_WINDOW_DAYS = 85;

/** One build as ListImagePipelineImages lists it, attributed to the catalog image whose pipeline built it. */
export interface ListedBuild {
  image: string;
  buildVersionArn: string;
  /** `1.0.0/3`. */
  version: string;
  status: string;
  /** Image Builder's reason for the status, when it gives one. */
  reason?: string | undefined;
  /** ISO time Image Builder created the build. */
  createdAt: string;
}

/** What the ledger knows about a build; `undefined` when it has no record at all. */
export interface LedgerBuildView {
  /** Statuses on-image-event recorded (it records before it acts). */
  statusesSeen: readonly string[];
  /** Statuses whose action (promotion start, failure announcement) completed. */
  handledStatuses: readonly string[];
}

/** Why a build needs reconciling: its event never arrived, or it arrived and its handling never completed. */
export type Missed = 'event' | 'handling';

export type ReconcileDecision =
  | { build: ListedBuild; act: 'promote' | 'announce-failure'; status: ActionableStatus; missed: Missed }
  | { build: ListedBuild; act: 'none'; reason: string };

/** The first instant inside the window of `days` days ending at `now`. */
export function windowStart(now: Date, days: number): Date {
  if (!Number.isFinite(days) || days <= 0 || days > MAX_WINDOW_DAYS) {
    throw new RangeError(`windowDays: must be in (0, ${MAX_WINDOW_DAYS}], got ${days}`);
  }
  return new Date(now.getTime() - days * 86_400_000);
}

function isActionable(status: string): status is ActionableStatus {
  return (ACTIONABLE_STATUSES as readonly string[]).includes(status);
}

/**
 * Decides one build. A build acts only when it is inside the window, in a status on-image-event acts on, and the
 * ledger does not say that status was handled. A build that moved on (DEPRECATED, DELETED) is left alone: a
 * retired image must not be promoted late.
 */
export function decideBuild(build: ListedBuild, ledger: LedgerBuildView | undefined, since: Date): ReconcileDecision {
  const created = Date.parse(build.createdAt);
  if (Number.isNaN(created)) return { build, act: 'none', reason: `no creation time: "${build.createdAt}"` };
  if (created < since.getTime()) return { build, act: 'none', reason: 'created before the window' };
  if (!isActionable(build.status)) return { build, act: 'none', reason: `status ${build.status} needs no action` };
  if (ledger?.handledStatuses.includes(build.status)) {
    return { build, act: 'none', reason: `${build.status} already handled` };
  }
  const missed: Missed = ledger?.statusesSeen.includes(build.status) ? 'handling' : 'event';
  const act = build.status === 'AVAILABLE' ? 'promote' : 'announce-failure';
  return { build, act, status: build.status, missed };
}

/** A decision that acts. */
export type ReconcileAction = Extract<ReconcileDecision, { act: 'promote' | 'announce-failure' }>;

/**
 * Plans one reconciliation run: one decision per distinct build (a build listed twice, e.g. across pages that
 * shifted, is decided once), oldest first so promotions start in build order.
 * @param ledger the ledger's view per build version ARN (absent: the ledger never heard of the build).
 */
export function planReconciliation(
  builds: readonly ListedBuild[],
  ledger: ReadonlyMap<string, LedgerBuildView>,
  since: Date,
): { actions: ReconcileAction[]; skipped: Extract<ReconcileDecision, { act: 'none' }>[] } {
  const unique = new Map<string, ListedBuild>();
  for (const b of builds) if (!unique.has(b.buildVersionArn)) unique.set(b.buildVersionArn, b);
  const ordered = [...unique.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const actions: ReconcileAction[] = [];
  const skipped: Extract<ReconcileDecision, { act: 'none' }>[] = [];
  for (const build of ordered) {
    const decision = decideBuild(build, ledger.get(build.buildVersionArn), since);
    if (decision.act === 'none') skipped.push(decision);
    else actions.push(decision);
  }
  return { actions, skipped };
}

/**
 * Whether a listed build needs its ledger record read at all: cheap filter before any DynamoDB call, so a run over
 * many pipelines reads only terminal builds of the window.
 */
export function needsLedgerLookup(build: ListedBuild, since: Date): boolean {
  const created = Date.parse(build.createdAt);
  return !Number.isNaN(created) && created >= since.getTime() && isActionable(build.status);
}

/** Hours between two reconciler runs (its schedule, stacks/promotion/reconcile.ts, is built from this). */
export const RECONCILE_PERIOD_HOURS = 6;

/**
 * Whether this run is the day's full pass, which lists every pipeline's builds as the backstop for a build the
 * ledger never recorded (the other runs ask Image Builder only about builds the ledger holds open): the run whose
 * time falls in the UTC day's first period. Runs are `periodHours` apart, so exactly one a day does.
 */
export function isFullPass(now: Date, periodHours: number = RECONCILE_PERIOD_HOURS): boolean {
  return now.getUTCHours() < periodHours;
}

/**
 * Whether a sweep due every `everyDays` days runs on this run: on the day's full pass, when it never completed or
 * last completed at least `everyDays` UTC days before today. Counted from the last completed sweep, so a sweep day
 * whose run failed (or whose full pass never came) is made up by the next full pass rather than skipped for a week.
 */
export function isSweepDue(now: Date, lastSweptAt: string | undefined, everyDays: number): boolean {
  return isFullPass(now) && daysPassed(now.getTime(), lastSweptAt, everyDays);
}
