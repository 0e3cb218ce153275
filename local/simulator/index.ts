import type { Catalog } from '../../core/config/schema.js';
import { MONTH_MS } from '../../core/duration.js';
import { resetModelChecks } from '../models/request-check.js';
import { SimulatedApprovers } from './approvals.js';
import { auditConsistency } from './audit.js';
import { auditFleets } from './audit-fleets.js';
import { auditImageView } from './audit-image-view.js';
import { auditOutages } from './audit-outages.js';
import { pausedChannels } from './audit-recovering.js';
import { auditSlack } from './audit-slack.js';
import { startLocalCloud } from './cloud.js';
import { costOfRun } from './cost.js';
import { runAction, scheduleTriggers } from './driver.js';
import { type FleetEvent, SimulatedFleets } from './fleets.js';
import { auditLifecycle, retiredSharedUsers, withdrawnBuilds } from './lifecycle-audit.js';
import { reportCve } from './lifecycle-requests.js';
import { LiveTimeline, type TimelineListener } from './live-timeline.js';
import { actingCommandText, LocalOperatorEndpoint, type OperatorExchange, scenarioOperator } from './operator.js';
import { peakMemory } from './peak-memory.js';
import type { ProgressListener } from './progress.js';
import { buildReport, type SimulationReport } from './report.js';
import { fleetFigures } from './report-fleet.js';
import { scanLedger } from './report-ledger.js';
import type { Scenario, ScenarioEvent } from './scenario.js';
import { putAsSender, type RawPut } from './senders.js';
import { CONSEQUENCES_MS, type LocalSession, localSession } from './session.js';
import { type SlackMessageSeen, slackMessagesOf } from './slack.js';
import { type CloudSnapshot, snapshotOf } from './snapshot.js';
import { buildTimeline, type TimelineEntry } from './timeline.js';

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
  run: {
    wallMs: number;
    simulatedMonths: number;
    monthsPerSecond: number;
    steps: number;
    peakRssMb: number;
    /** Invocations and wall milliseconds per function (overlapping work counted in each), longest first. */
    functions?: Record<string, { invocations: number; ms: number }>;
    /** With `onTimeline`: timeline lines handed on during the run, and lines recorded behind them (expected 0). */
    streamed?: { live: number; late: number };
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
     * Runs on past `until` until every operator request sent has been answered, then one virtual minute more for
     * what the answers set going: an acting command on a saved cloud journals its request at `until` and must save
     * all of its work, not half.
     */
    answerOperatorRequests?: boolean;
    /** Keeps the cloud running where the run stopped and returns it as `session` (`goldsmith serve`). */
    keep?: boolean;
  } = {},
): Promise<SimulationResult & { session?: LocalSession }> {
  const wallStart = performance.now();
  const memory = peakMemory();
  resetModelChecks();
  const cloud = await startLocalCloud(catalog, scenario, root);
  let kept = false;
  try {
    const statusTimes = new Map<string, { status: string; at: string }>();
    const statusLog: {
      at: string;
      image: string;
      version: string;
      status: string;
      reason?: string;
      scripted?: string;
    }[] = [];
    // Failures the scenario asks for (`build-fails`): marked in the timeline as part of the scenario.
    const scriptedFailures = new Set(
      scenario.events.flatMap((e) =>
        'kind' in e.action && e.action.kind === 'build-fails' ? [`${e.action.image}|${e.action.reason}`] : [],
      ),
    );
    cloud.installed.fakes.imagebuilder.onEvent((event) => {
      const arn = event.resources[0] ?? '';
      const state = (event.detail as { state?: { status?: string; reason?: string } }).state ?? {};
      if (state.status) {
        statusTimes.set(arn, { status: state.status, at: event.time });
        const image = cloud.installed.fakes.imagebuilder.builds.get(arn)?.pipeline.image ?? arn;
        statusLog.push({
          at: event.time,
          image,
          version: arn.split('/').slice(-2).join('/'),
          status: state.status,
          ...(state.reason ? { reason: state.reason } : {}),
          ...(state.status === 'FAILED' && scriptedFailures.has(`${image}|${state.reason}`)
            ? { scripted: "the scenario's build-fails event" }
            : {}),
        });
      }
      memory.sample();
      return cloud.bus.put(event, 'default');
    });

    // `timelineOnly`: a line of the timeline that is no note of the run (an acting command's request, answered).
    const notes: { at: string; text: string; timelineOnly?: true }[] = [];
    const operatorEndpoint = new LocalOperatorEndpoint(cloud);
    const handlers = {
      put: (put: RawPut) => putAsSender(cloud, put),
      approve: (action: Parameters<SimulatedApprovers['decide']>[0], filter: ScenarioEvent['filter']) =>
        approvers.decide(action, filter),
      letExpire: (filter: ScenarioEvent['filter']) => approvers.letExpire(filter),
      // A scenario's own request (no id: not an acting command, whose caller reads the answer) that is refused
      // becomes a note in the timeline: nothing the scenario asked for is dropped silently.
      operator: async (request: Record<string, unknown>, principal: string | undefined, id?: string) => {
        const exchange = await operatorEndpoint.send(request, principal ?? scenarioOperator(cloud, catalog), id);
        if (!exchange.response.ok && id === undefined) {
          notes.push({
            at: exchange.at,
            text: `${String(request.action)} refused (${exchange.status}): ${exchange.response.error}`,
          });
        } else if (id !== undefined) {
          // An acting command's request (journaled on a saved cloud): the timeline says who decided what and how the
          // endpoint answered, as it does for an approval link's answer.
          notes.push({ at: exchange.at, text: actingCommandText(request, exchange), timelineOnly: true });
        }
        return exchange;
      },
      cve: (action: Parameters<typeof reportCve>[1]) => {
        const pending = reportCve(cloud, action).then((refused) => {
          if (refused) notes.push({ at: cloud.clock.iso(), text: refused });
        });
        cloud.clock.track(pending, `scenario cve ${action.image}`);
      },
    };
    const approvers = new SimulatedApprovers(cloud, scenario, (event) => runAction(cloud, event, handlers));
    const schedulesFired = scheduleTriggers(cloud, scenario);
    const fleets = new SimulatedFleets(cloud, scenario);
    fleets.start();
    for (const event of scenario.events) {
      if ('at' in event.timing) {
        const label = 'event' in event.action ? 'raw event' : event.action.kind;
        cloud.clock.schedule(event.timing.at, `scenario ${label}`, () => runAction(cloud, event, handlers));
      }
    }
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
    const { steps } = await cloud.clock.run(scenario.until, (now) => {
      onProgress?.({
        now,
        start,
        until,
        builds: cloud.installed.fakes.imagebuilder.builds.size,
        promotions: cloud.sfn.count,
      });
      if (!live || performance.now() < nextFlush) return;
      const began = performance.now();
      return live.flush(now).then(() => {
        const ended = performance.now();
        nextFlush = ended + Math.max(FLUSH_MS, 25 * (ended - began));
      });
    });
    await cloud.clock.settle();
    if (options.answerOperatorRequests) {
      await cloud.clock.runUntilSettled(operatorEndpoint.answered());
      // What the answer set going (the promotion's next step, a pointer's roll-back retried after a throttle)
      // follows within seconds on AWS: the saved cloud stops once that has happened, as a person would look.
      await cloud.clock.run(cloud.clock.now() + CONSEQUENCES_MS);
    }

    const report = await buildReport(cloud, scenario, {
      invoker: cloud.invoker,
      rejectedCallbacks: approvers.rejectedCallbacks,
      slackPresses: { approvals: approvers.slackApprovals, refused: approvers.slackRefused },
      statusTimes,
    });
    const ledgerItems = await scanLedger(cloud.wiring.tables[0]?.name ?? '');
    report.consistency = auditConsistency(
      cloud,
      report,
      withdrawnBuilds(ledgerItems),
      pausedChannels(ledgerItems),
      retiredSharedUsers(ledgerItems),
    );
    const outageAudit = await auditOutages(cloud, report);
    const slackAudit = await auditSlack(cloud);
    const lifecycle = auditLifecycle(cloud, report.pointers, ledgerItems);
    const imageViews = await auditImageView(cloud.wiring.tables[0]?.name ?? '', ledgerItems);
    const checks = (report.consistency as { checks?: Record<string, number> }).checks ?? {};
    const audits = [outageAudit, slackAudit, lifecycle, imageViews];
    if (scenario.fleets.length > 0) audits.push(auditFleets(cloud, ledgerItems));
    report.consistency = {
      ...report.consistency,
      ok: report.consistency.ok && audits.every((a) => a.problems.length === 0),
      problems: [...report.consistency.problems, ...audits.flatMap((a) => a.problems)],
      checks: Object.assign({ ...checks }, ...audits.map((a) => a.checks)),
    };
    if (scenario.fleets.length > 0) report.fleet = fleetFigures(cloud, ledgerItems, fleets.events, scenario);
    report.cost = costOfRun(cloud, report, ledgerItems, schedulesFired);
    const timeline = buildTimeline(
      { ...report, ledger: ledgerItems },
      statusLog,
      approvers.responses,
      cloud.invoker.deadLetters,
      notes,
      channels,
    );
    live?.finish(timeline);
    const wallMs = performance.now() - wallStart;
    const simulatedMonths = (Date.parse(scenario.until) - Date.parse(scenario.start)) / MONTH_MS;
    kept = options.keep === true;
    return {
      ...(kept
        ? {
            session: localSession(cloud, operatorEndpoint, (request, principal, id) =>
              handlers.operator(request, principal, id),
            ),
          }
        : {}),
      report,
      timeline,
      notes: notes.filter((n) => !n.timelineOnly).map((n) => `${n.at} ${n.text}`),
      operator: operatorEndpoint.exchanges,
      ...(scenario.fleets.length > 0 ? { fleets: { events: fleets.events } } : {}),
      ...(options.snapshot ? { snapshot: await snapshotOf(cloud) } : {}),
      ...(cloud.slack ? { slackMessages: slackMessagesOf(cloud.slack) } : {}),
      run: {
        wallMs,
        simulatedMonths,
        monthsPerSecond: simulatedMonths / (wallMs / 1000),
        steps,
        peakRssMb: memory.mib(),
        functions: cloud.invoker.usage(),
        ...(live ? { streamed: { ...live.counts } } : {}),
      },
    };
  } finally {
    if (!kept) await cloud.stop();
  }
}
