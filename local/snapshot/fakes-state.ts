import type { LocalCloud } from '../simulator/cloud-types.js';
import { sinkStandInParts } from '../simulator/sink-stand-ins.js';
import { exportState, importState, type PlainState } from './plain-state.js';

/**
 * The local cloud's stateful stand-ins for AWS, by name: every fake behind the SDK clients (EC2, Image Builder, SSM,
 * RAM, KMS, Organizations, …, their throttle and call counts), and the cloud's own (SQS, Lambda's functions, Secrets Manager, EventBridge
 * Scheduler, the event bus, the outages, the dead-letter alarms, the notification sinks' stand-ins (local/simulator/sink-stand-ins.ts) and the tallies the report
 * reads). Step Functions, the Lambda invoker and the clock are not among them: what they hold is running code.
 */
export function statefulParts(cloud: LocalCloud): Record<string, object> {
  return {
    ...cloud.installed.fakes,
    stats: cloud.installed.stats,
    sqs: cloud.sqs,
    functions: cloud.functions,
    secrets: cloud.secrets,
    scheduler: cloud.scheduler,
    bus: cloud.bus,
    outages: cloud.outages,
    cloudwatch: cloud.cloudwatch,
    redrives: cloud.redrives,
    dynamoUsage: cloud.dynamoUsage,
    ...sinkStandInParts(cloud.catalog.notifications, cloud.sinkStandIns),
  };
}

/** The clock is the fresh cloud's own: a fake that holds it (to read the time, to schedule) keeps its own. */
const sharedOf = (cloud: LocalCloud) => new Map<object, string>([[cloud.clock, 'clock']]);

/** The fakes' state as plain JSON data (plain-state.ts), written at a quiescent instant. */
export function exportFakes(cloud: LocalCloud): PlainState {
  return exportState(statefulParts(cloud), sharedOf(cloud));
}

/**
 * Writes `state` (from `exportFakes` on a cloud of the same catalog and scenario) into a fresh cloud's fakes, in
 * place: each keeps its class and its wiring (clock, listeners, the SDK edge), and holds what the saved one held
 * (with `keepNewFields`, an upgrade: plain-state.ts). In an upgrade each part keeps the fields this release gave it
 * and the saved release's did not have, a plain one (the call tallies, `stats`) as a class instance does: the code
 * that counts into `stats.callsByCaller` finds it even in a cloud an older release saved.
 */
export function importFakes(cloud: LocalCloud, state: PlainState, options: { keepNewFields?: boolean } = {}): void {
  const parts = statefulParts(cloud);
  const extra = Object.keys((state as { $o?: Record<string, unknown> }).$o ?? {}).filter((k) => !(k in parts));
  if (extra.length > 0) throw new Error(`saved fakes this cloud does not have: ${extra.join(', ')}`);
  importState(parts, state, new Map([['clock', cloud.clock]]), {
    ...options,
    structures: new Set(Object.values(parts)),
  });
}
