import type { Catalog } from '../../core/config/schema.js';
import { MONTH_MS } from '../../core/duration.js';
import { resetModelChecks } from '../models/request-check.js';
import { talliesOf } from '../snapshot/tallies.js';
import type { UpgradeFigures, UpgradeFrom } from '../snapshot/upgrade.js';
import { auditRun } from './audit-run.js';
import { costOfRun } from './cost.js';
import type { FleetEvent } from './fleets.js';
import { LiveTimeline, type TimelineListener } from './live-timeline.js';
import type { OperatorExchange } from './operator.js';
import { peakMemory } from './peak-memory.js';
import type { ProgressListener } from './progress.js';
import { buildReport, type SimulationReport } from './report.js';
import { fleetFigures } from './report-fleet.js';
import { scanLedger } from './report-ledger.js';
import { armScenario, startRun } from './run.js';
import { openCloud, type SavedCloud, saveCloud, type Unsavable } from './saved-cloud.js';
import type { Scenario } from './scenario.js';
import { CONSEQUENCES_MS, type LocalSession, localSession } from './session.js';
import { type SlackMessageSeen, slackMessagesOf } from './slack.js';
import { type CloudSnapshot, snapshotOf } from './snapshot.js';
import { buildTimeline, type TimelineEntry } from './timeline.js';
import { type PhaseTime, PhaseTimer } from './timing.js';

export interface SimulationResult {
  report: SimulationReport;
  timeline: TimelineEntry[];
  /** Things the scenario asked for that this version of Goldsmith cannot do yet. */
  notes: string[];
  /** Operator requests (scenario `build`/`operator` events) and the endpoint's answers, in order. */
  operator?: OperatorExchange[];
  /** What Slack received, in posting order (`simulate --slack`), when the catalog configures Slack. */
  slackMessages?: SlackMessageSeen[];
  /** What the scenario's fleets did (every move of every member account), when it runs fleets. */
  fleets?: { events: FleetEvent[] };
  /** The local cloud's state at the end, when asked for (`simulate --save`). */
  snapshot?: CloudSnapshot;
  /** The whole cloud written down at the end (`save`), or why it cannot be a snapshot. */
  saved?: SavedCloud | Unsavable;
  /** What opening a cloud another release saved did to it (`upgrade`). */
  upgraded?: UpgradeFigures;
  run: {
    wallMs: number;
    simulatedMonths: number;
    monthsPerSecond: number;
    steps: number;
    peakRssMb: number;
    /** Invocations and wall milliseconds per function (overlapping work counted in each), longest first. */
    functions?: Record<string, { invocations: number; ms: number }>;
    /** With `onTimeline`: lines handed on during the run, and lines that arrived behind a read's watermark (expected 0). */
    streamed?: { live: number; late: number };
    /** The run's phases one after the other (timing.ts): the cloud's start, the clock's run, the report, the audits. */
    phases?: PhaseTime[];
  };
}

const FLUSH_MS = 200;

/**
 * Runs Goldsmith end to end on the local cloud in virtual time: the synthesized stacks' schedules, rules and state
 * machine, our real handlers, the fakes, and the scenario's events and faults. Returns the report and a timeline.
 */
export async function simulate(
  catalog: Catalog,
  scenario: Scenario,
  root: string,
  options: {
    onProgress?: ProgressListener;
    snapshot?: boolean;
    /** Told the timeline's entries as they become final during the run, then the rest at the end (see LiveTimeline). */
    onTimeline?: TimelineListener;
    /**
     * With `onTimeline`: the steps of the clock (by their virtual time) after which the timeline is read, instead of
     * every FLUSH_MS of wall time (a test's reads, the same whatever the machine's speed).
     */
    timelineAfter?: (now: number) => boolean;
    /**
     * Runs on past `until` until every operator request sent has been answered, then one virtual minute more for
     * what the answers set going: an acting command on a saved cloud journals its request at `until` and must save
     * all of its work, not half.
     */
    answerOperatorRequests?: boolean;
    /** Keeps the cloud running where the run stopped and returns it as `session` (`goldsmith serve`). */
    keep?: boolean;
    /** Goes on from a saved cloud (of this catalog and scenario) instead of the scenario's start: replays nothing. */
    open?: SavedCloud;
    /** With `open`: the cloud was saved by another release, whose deployment the new templates are deployed over. */
    upgrade?: UpgradeFrom;
    /** Writes the cloud down where the run stopped, as `saved` (or why it cannot be a snapshot). */
    save?: boolean;
  } = {},
): Promise<SimulationResult & { session?: LocalSession }> {
  const wallStart = performance.now();
  const memory = peakMemory();
  resetModelChecks();
  const timer = new PhaseTimer();
  const run = await timer.time('start', () => startRun(catalog, scenario, root, () => memory.sample()));
  const { cloud, approvers, fleets, operatorEndpoint, statusTimes, statusLog, notes } = run;
  let kept = false;
  try {
    const upgraded = await timer.time('arm', async () => {
      const opened = options.open ? await openCloud(run, options.open, options.upgrade) : undefined;
      if (!options.open) armScenario(run);
      return opened;
    });
    const start = Date.parse(scenario.start);
    const until = Date.parse(scenario.until);
    const onProgress = options.onProgress;
    const channels = catalog.channels.map((c) => c.name);
    const live =
      options.onTimeline &&
      new LiveTimeline(
        cloud,
        {
          statuses: statusLog,
          callbacks: approvers.responses,
          deadLetters: cloud.invoker.deadLetters,
          notes,
          channels,
        },
        options.onTimeline,
      );
    // The timeline is read at most every FLUSH_MS of wall time, and never sooner than 25 times the last read took
    // (a read grows with the run): a person sees it move, and reading costs the run a few percent at most.
    let nextFlush = Number.NEGATIVE_INFINITY;
    // A run that is saved stops before what is due at its end (saved-cloud.ts): a request journaled there goes first.
    const before = options.save === true;
    const { steps } = await timer.time('run', async () => {
      const ran = await cloud.clock.run(
        scenario.until,
        (now) => {
          onProgress?.({
            now,
            start,
            until,
            builds: cloud.installed.fakes.imagebuilder.builds.size,
            promotions: cloud.sfn.count,
          });
          if (!live) return;
          if (options.timelineAfter) return options.timelineAfter(now) ? live.flush(now) : undefined;
          if (performance.now() < nextFlush) return;
          const began = performance.now();
          return live.flush(now).then(() => {
            const ended = performance.now();
            nextFlush = ended + Math.max(FLUSH_MS, 25 * (ended - began));
          });
        },
        { before: before && !options.answerOperatorRequests },
      );
      await cloud.clock.settle();
      if (options.answerOperatorRequests) {
        await cloud.clock.runUntilSettled(operatorEndpoint.answered());
        // What the answer set going (the promotion's next step, a pointer's roll-back retried after a throttle)
        // follows within seconds on AWS: the saved cloud stops once that has happened, as a person would look.
        await cloud.clock.run(cloud.clock.now() + CONSEQUENCES_MS, undefined, { before });
      }
      return ran;
    });

    // The report and its audits read the ledger: a saved run's figures are those of where it stopped (tallies.ts).
    const stopped = options.save ? talliesOf(cloud) : undefined;
    const { report, ledgerItems } = await timer.time('report', async () => ({
      report: await buildReport(cloud, scenario, {
        invoker: cloud.invoker,
        rejectedCallbacks: approvers.rejectedCallbacks,
        slackPresses: { approvals: approvers.slackApprovals, refused: approvers.slackRefused },
        statusTimes,
      }),
      ledgerItems: await scanLedger(cloud.wiring.tables[0]?.name ?? ''),
    }));
    report.consistency = await timer.time('audit', () =>
      auditRun(run, report, ledgerItems, upgraded ? options.open : undefined, options.open?.at),
    );
    const timeline = await timer.time('figures and timeline', () => {
      if (scenario.fleets.length > 0) report.fleet = fleetFigures(cloud, ledgerItems, fleets.events, scenario);
      report.cost = costOfRun(cloud, report, ledgerItems, run.schedules.fired);
      const entries = buildTimeline(
        { ...report, ledger: ledgerItems },
        statusLog,
        approvers.responses,
        cloud.invoker.deadLetters,
        notes,
        channels,
      );
      live?.finish(entries);
      return entries;
    });
    const wallMs = performance.now() - wallStart;
    // What this run simulated: from the saved instant when it went on from a save (its wall time is that part's).
    const from = options.open ? Date.parse(options.open.at) : Date.parse(scenario.start);
    const simulatedMonths = (Date.parse(scenario.until) - from) / MONTH_MS;
    kept = options.keep === true;
    return {
      ...(kept
        ? {
            session: localSession(run),
          }
        : {}),
      report,
      timeline,
      notes: notes.filter((n) => !n.timelineOnly).map((n) => `${n.at} ${n.text}`),
      operator: operatorEndpoint.exchanges,
      ...(scenario.fleets.length > 0 ? { fleets: { events: fleets.events } } : {}),
      ...(options.snapshot ? { snapshot: await snapshotOf(cloud) } : {}),
      ...(options.save ? { saved: await saveCloud(run, stopped) } : {}),
      ...(upgraded ? { upgraded } : {}),
      ...(cloud.slack ? { slackMessages: slackMessagesOf(cloud.slack) } : {}),
      run: {
        wallMs,
        simulatedMonths,
        monthsPerSecond: simulatedMonths / (wallMs / 1000),
        steps,
        peakRssMb: memory.mib(),
        functions: cloud.invoker.usage(),
        phases: timer.phases,
        ...(live ? { streamed: { ...live.counts } } : {}),
      },
    };
  } finally {
    if (!kept) await cloud.stop();
  }
}
