import { expect } from 'vitest';
import { VirtualClock } from '../../local/clock.js';
import { LocalStepFunctions, type SavedStepFunctions } from '../../local/stepfunctions/engine.js';
import type { StatesDefinition } from '../../local/stepfunctions/localize.js';
import { definition, machineArn, minutes, T0 } from './sfn-restore-machines.js';

/**
 * Two engines on virtual clocks, one saved at an instant and one that loaded what it saved, driven by the same
 * script of starts and approvals: what the Step Functions save tests compare.
 */

type Call = { step: string; image: string; channel?: string; token?: string };

/** A seeded stream whose position can be carried into a restored cloud (as the simulator's RNG is). */
function seeded(state: { s: number }): () => number {
  return () => {
    state.s = (state.s + 0x6d2b79f5) | 0;
    let t = state.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface World {
  clock: VirtualClock;
  sfn: LocalStepFunctions;
  /** Lambda invokes this engine made, and those made before it was restored (where its tokens came from). */
  calls: Call[];
  prior: Call[];
  /** What the Lambda side keeps: shares that failed once already; the jitter stream's position. */
  failedOnce: Set<string>;
  random: { s: number };
  /** What the engine told its onTask* callbacks, in order. */
  told: string[];
  labels: string[];
  /** The items the engine scheduled (timeouts), and whether each was taken back or ran. */
  scheduled: { label: string; cancelled: boolean; ran: boolean }[];
}

export function world(at: number, carried?: World, machine: StatesDefinition = definition): World {
  const clock = new VirtualClock(at);
  const w: World = {
    clock,
    calls: [],
    prior: carried ? [...carried.prior, ...carried.calls] : [],
    failedOnce: new Set(carried?.failedOnce),
    random: { s: carried?.random.s ?? 42 },
    told: [],
    labels: [],
    scheduled: [],
    sfn: undefined as unknown as LocalStepFunctions,
  };
  w.sfn = new LocalStepFunctions({
    clock: {
      now: () => clock.date(),
      sleepUntil: (when, label) => {
        w.labels.push(label ?? '');
        return clock.sleepUntil(when, label);
      },
      track: (work, label) => clock.track(work, label),
      park: (promise) => clock.park(promise),
      schedule: (when, label, fn) => {
        w.labels.push(label);
        const item = { label, cancelled: false, ran: false };
        w.scheduled.push(item);
        const scheduled = clock.schedule(when, label, () => {
          item.ran = true;
          fn();
        });
        return {
          cancel: () => {
            item.cancelled = true;
            scheduled.cancel();
          },
        };
      },
    },
    random: seeded(w.random),
    onTaskRetry: (key, error) => w.told.push(`retry ${key} ${(error as Error).name}`),
    onTaskRecovered: (key) => w.told.push(`recovered ${key}`),
    onTaskGaveUp: (key) => w.told.push(`gave up ${key}`),
    onTaskSucceeded: (execution, state) => w.told.push(`succeeded ${execution.name} ${state}`),
    tokenSeed: 'running-save',
    invoke: async (_arn, payload) => {
      const call = payload as Call;
      w.calls.push(call);
      if (call.step === 'build') return { ami: `ami-${call.image}` };
      if (call.step === 'share') {
        const share = `${call.image}/${call.channel}`;
        if (!w.failedOnce.has(share)) {
          w.failedOnce.add(share);
          throw Object.assign(new Error(`throttled sharing with ${call.channel}`), { name: 'Throttled' });
        }
        return { shared: call.channel };
      }
      return {};
    },
  });
  w.sfn.register(machineArn, machine);
  return w;
}

export const tokenOf = (w: World, image: string): string =>
  [...w.prior, ...w.calls].find((c) => c.step === 'approval' && c.image === image)?.token ?? '';

export type Action = { at: number; act(w: World): void };
export const start = (image: string) => (w: World) => {
  w.sfn.startExecution({ stateMachineArn: machineArn, name: image, input: JSON.stringify({ image }) });
};
export const decide = (image: string, decision: string) => (w: World) =>
  w.sfn.sendTaskSuccess(tokenOf(w, image), JSON.stringify({ decision }));

/** a starts, b starts while a waits for approval; a is approved, then b is rejected. */
export const SCRIPT: Action[] = [
  { at: minutes(0), act: start('a') },
  { at: minutes(75), act: start('b') },
  { at: minutes(90), act: decide('a', 'approved') },
  { at: minutes(165), act: decide('b', 'rejected') },
];

/** Runs the clock to `until`, doing the script's actions due after `after` on the way. */
export async function drive(w: World, script: Action[], after: number, until: number): Promise<void> {
  for (const action of script.filter((a) => a.at > after && a.at <= until)) {
    await w.clock.run(action.at);
    action.act(w);
  }
  await w.clock.run(until);
}

export const viaJson = (state: SavedStepFunctions) => JSON.parse(JSON.stringify(state)) as SavedStepFunctions;

/** The original run saved at `saveAt`, and a fresh engine on a fresh clock at that instant that loaded it. */
export async function saveAndRestore(saveAt: number, script: Action[] = SCRIPT, machine = definition) {
  const original = world(T0, undefined, machine);
  await drive(original, script, -1, saveAt);
  const saved = original.sfn.saveState();
  expect(viaJson(saved)).toEqual(saved);
  const restored = world(saveAt, original, machine);
  await restored.sfn.loadState(viaJson(saved));
  expect(restored.sfn.saveState()).toEqual(saved);
  return { original, restored, saved, callsAtSave: original.calls.length, toldAtSave: original.told.length };
}

export const pendingKinds = (saved: SavedStepFunctions) =>
  saved.running.map((r) => [r.executionArn.split(':').pop(), r.pending.map((p) => p.phase.kind).sort()]);
