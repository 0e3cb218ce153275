/**
 * Rewrites a synthesized state machine so that aws-local-stepfunctions runs it on the virtual clock.
 * The production ASL is never changed; only this in-memory copy is:
 * - Wait states become Tasks served by the local engine, which sleeps on the virtual clock
 *   (ResultPath null keeps the state's data flow exactly as a Wait's).
 * - `.waitForTaskToken` Tasks lose TimeoutSeconds/HeartbeatSeconds, which the engine enforces virtually;
 *   aws-local-stepfunctions would otherwise enforce them with real timers.
 * - The machine's own TimeoutSeconds is lifted out and enforced virtually (a year overflows Node's timers).
 * - Every other Task gets a real-time safety timeout far beyond any simulated run, since the library's
 *   default is 60 real seconds.
 * - A Task whose Parameters read `$$.State` or `$$.Execution.RedriveCount` loses them: the engine resolves them for
 *   every attempt (attempt-context.ts).
 * - Task `Retry` lists are lifted out and run by the engine, whose backoff waits elapse on the virtual clock (the
 *   library would wait in real time, or not at all).
 */

import { readsAttemptContext } from './attempt-context.js';

import type { Json } from './json.js';

export type { Json };
export type StateDefinition = { Type: string; [key: string]: Json };
export interface StatesDefinition {
  StartAt: string;
  States: Record<string, StateDefinition>;
  [key: string]: Json;
}

export interface LocalWait {
  seconds?: number;
  secondsPath?: string;
  timestamp?: string;
  timestampPath?: string;
}

export interface LocalTokenTask {
  resource: string;
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
  heartbeatSeconds?: number;
}

export interface LocalizedMachine {
  definition: StatesDefinition;
  /** The machine's own TimeoutSeconds, enforced on the virtual clock by the engine. */
  timeoutSeconds?: number;
  waits: Record<string, LocalWait>;
  tokenTasks: Record<string, LocalTokenTask>;
  /**
   * Every Task state's original Resource and Parameters, by state name; `perAttempt`: its Parameters read the
   * context's State or Execution.RedriveCount, so the engine resolves them for every attempt (attempt-context.ts).
   */
  tasks: Record<string, { resource: string; parameters?: Json; perAttempt?: boolean }>;
  /** Every Task state's Retry list, by state name (run by the engine on the virtual clock). */
  retries: Record<string, LocalRetrier[]>;
}

/** One ASL retrier. */
export interface LocalRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export const LOCAL_WAIT_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:goldsmith-local-wait';
/** Longest real-time timer Node accepts without overflowing (about 24 days). */
const REAL_TIME_SAFETY_TIMEOUT_SECONDS = 2_000_000;

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function localizeStates(
  states: Record<string, StateDefinition>,
  out: LocalizedMachine,
): Record<string, StateDefinition> {
  const result: Record<string, StateDefinition> = {};
  for (const [name, state] of Object.entries(states)) {
    result[name] = localizeState(name, state, out);
  }
  return result;
}

function localizeNested(definition: Json | undefined, out: LocalizedMachine): Json | undefined {
  if (!isObject(definition) || !isObject(definition.States)) return definition;
  return { ...definition, States: localizeStates(definition.States as Record<string, StateDefinition>, out) };
}

function localizeTask(name: string, task: StateDefinition, out: LocalizedMachine): StateDefinition {
  const resource = typeof task.Resource === 'string' ? task.Resource : '';
  const perAttempt = readsAttemptContext(task.Parameters);
  out.tasks[name] = {
    resource,
    ...(task.Parameters === undefined ? {} : { parameters: task.Parameters }),
    ...(perAttempt ? { perAttempt } : {}),
  };
  // Resolved by the engine per attempt: the library would resolve them once, against a context without State.
  const { Parameters: _parameters, ...withoutParameters } = task;
  const state = perAttempt ? (withoutParameters as StateDefinition) : task;
  if (resource.endsWith('.waitForTaskToken')) {
    const { TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath: _hb, ...rest } = state;
    out.tokenTasks[name] = {
      resource,
      ...(typeof TimeoutSeconds === 'number' ? { timeoutSeconds: TimeoutSeconds } : {}),
      ...(typeof TimeoutSecondsPath === 'string' ? { timeoutSecondsPath: TimeoutSecondsPath } : {}),
      ...(typeof HeartbeatSeconds === 'number' ? { heartbeatSeconds: HeartbeatSeconds } : {}),
    };
    return { ...rest, TimeoutSeconds: REAL_TIME_SAFETY_TIMEOUT_SECONDS };
  }
  return { ...state, TimeoutSeconds: REAL_TIME_SAFETY_TIMEOUT_SECONDS };
}

function localizeState(name: string, state: StateDefinition, out: LocalizedMachine): StateDefinition {
  switch (state.Type) {
    case 'Wait': {
      const { Seconds, SecondsPath, Timestamp, TimestampPath, Type: _type, ...rest } = state;
      out.waits[name] = {
        ...(typeof Seconds === 'number' ? { seconds: Seconds } : {}),
        ...(typeof SecondsPath === 'string' ? { secondsPath: SecondsPath } : {}),
        ...(typeof Timestamp === 'string' ? { timestamp: Timestamp } : {}),
        ...(typeof TimestampPath === 'string' ? { timestampPath: TimestampPath } : {}),
      };
      out.tasks[name] = { resource: LOCAL_WAIT_RESOURCE };
      return {
        ...rest,
        Type: 'Task',
        Resource: LOCAL_WAIT_RESOURCE,
        ResultPath: null,
        TimeoutSeconds: REAL_TIME_SAFETY_TIMEOUT_SECONDS,
      };
    }
    case 'Task': {
      const { Retry, ...withoutRetry } = state;
      if (Array.isArray(Retry)) out.retries[name] = Retry as unknown as LocalRetrier[];
      return localizeTask(name, withoutRetry as StateDefinition, out);
    }
    case 'Map': {
      const copy: StateDefinition = { ...state };
      if (state.ItemProcessor !== undefined) copy.ItemProcessor = localizeNested(state.ItemProcessor, out) ?? null;
      if (state.Iterator !== undefined) copy.Iterator = localizeNested(state.Iterator, out) ?? null;
      return copy;
    }
    case 'Parallel': {
      const branches = Array.isArray(state.Branches) ? state.Branches : [];
      return { ...state, Branches: branches.map((b) => localizeNested(b, out) ?? null) };
    }
    default:
      return state;
  }
}

/** Returns a copy of `definition` that runs on the virtual clock, with what the engine needs to serve it. */
export function localizeDefinition(definition: StatesDefinition): LocalizedMachine {
  const { TimeoutSeconds, ...rest } = definition;
  const out: LocalizedMachine = {
    definition: { ...rest, StartAt: definition.StartAt, States: {} },
    waits: {},
    tokenTasks: {},
    tasks: {},
    retries: {},
    ...(typeof TimeoutSeconds === 'number' ? { timeoutSeconds: TimeoutSeconds } : {}),
  };
  out.definition.States = localizeStates(definition.States, out);
  return out;
}
