import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../local/clock.js';
import { LocalStepFunctions, type SavedStepFunctions } from '../../../local/stepfunctions/engine.js';
import type { StatesDefinition } from '../../../local/stepfunctions/localize.js';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:task';
const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:promotion';
const T0 = Date.parse('2027-01-01T00:00:00Z');
const minutes = (m: number) => T0 + m * 60_000;

/** Pass → Lambda Task → Wait 1 h → approval token (2 h timeout) → Map of 3 retried shares → Choice → end. */
const definition: StatesDefinition = {
  StartAt: 'Prepare',
  TimeoutSeconds: 86_400,
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'image.$': '$.image', channels: ['dev', 'test', 'prod'] }, Next: 'Build' },
    Build: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN, Payload: { step: 'build', 'image.$': '$.image' } },
      ResultSelector: { 'ami.$': '$.Payload.ami' },
      ResultPath: '$.build',
      Next: 'Soak',
    },
    Soak: { Type: 'Wait', Seconds: 3600, Next: 'Approval' },
    Approval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN, Payload: { step: 'approval', 'token.$': '$$.Task.Token', 'image.$': '$.image' } },
      TimeoutSeconds: 7200,
      ResultPath: '$.approval',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.expired', Next: 'Expired' }],
      Next: 'Rollout',
    },
    Expired: { Type: 'Fail', Error: 'ApprovalExpired', Cause: 'no decision in time' },
    Rollout: {
      Type: 'Map',
      ItemsPath: '$.channels',
      ItemSelector: { 'channel.$': '$$.Map.Item.Value', 'image.$': '$.image' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Share',
        States: {
          Share: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: {
              FunctionName: FN,
              Payload: { step: 'share', 'channel.$': '$.channel', 'image.$': '$.image' },
            },
            OutputPath: '$.Payload',
            Retry: [
              {
                ErrorEquals: ['Throttled'],
                IntervalSeconds: 60,
                BackoffRate: 2,
                MaxAttempts: 3,
                JitterStrategy: 'FULL',
              },
            ],
            End: true,
          },
        },
      },
      ResultPath: '$.shared',
      Next: 'Decide',
    },
    Decide: {
      Type: 'Choice',
      Choices: [{ Variable: '$.approval.decision', StringEquals: 'approved', Next: 'Done' }],
      Default: 'Rejected',
    },
    Done: { Type: 'Succeed' },
    Rejected: { Type: 'Fail', Error: 'Rejected', Cause: 'the approver rejected it' },
  },
};

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

interface World {
  clock: VirtualClock;
  sfn: LocalStepFunctions;
  /** Lambda invokes this engine made, and those made before it was restored (where its tokens came from). */
  calls: Call[];
  prior: Call[];
  /** What the Lambda side keeps: shares that failed once already; the jitter stream's position. */
  failedOnce: Set<string>;
  random: { s: number };
  labels: string[];
}

function world(at: number, carried?: World, machine: StatesDefinition = definition): World {
  const clock = new VirtualClock(at);
  const w: World = {
    clock,
    calls: [],
    prior: carried ? [...carried.prior, ...carried.calls] : [],
    failedOnce: new Set(carried?.failedOnce),
    random: { s: carried?.random.s ?? 42 },
    labels: [],
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
        return clock.schedule(when, label, fn);
      },
    },
    random: seeded(w.random),
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

const tokenOf = (w: World, image: string): string =>
  [...w.prior, ...w.calls].find((c) => c.step === 'approval' && c.image === image)?.token ?? '';

type Action = { at: number; act(w: World): void };
const start = (image: string) => (w: World) => {
  w.sfn.startExecution({ stateMachineArn: machineArn, name: image, input: JSON.stringify({ image }) });
};
const decide = (image: string, decision: string) => (w: World) =>
  w.sfn.sendTaskSuccess(tokenOf(w, image), JSON.stringify({ decision }));

/** a starts, b starts while a waits for approval; a is approved, then b is rejected. */
const SCRIPT: Action[] = [
  { at: minutes(0), act: start('a') },
  { at: minutes(75), act: start('b') },
  { at: minutes(90), act: decide('a', 'approved') },
  { at: minutes(165), act: decide('b', 'rejected') },
];

/** Runs the clock to `until`, doing the script's actions due after `after` on the way. */
async function drive(w: World, script: Action[], after: number, until: number): Promise<void> {
  for (const action of script.filter((a) => a.at > after && a.at <= until)) {
    await w.clock.run(action.at);
    action.act(w);
  }
  await w.clock.run(until);
}

const viaJson = (state: SavedStepFunctions) => JSON.parse(JSON.stringify(state)) as SavedStepFunctions;

/** The original run saved at `saveAt`, and a fresh engine on a fresh clock at that instant that loaded it. */
async function saveAndRestore(saveAt: number, script: Action[] = SCRIPT, machine = definition) {
  const original = world(T0, undefined, machine);
  await drive(original, script, -1, saveAt);
  const saved = original.sfn.saveState();
  expect(viaJson(saved)).toEqual(saved);
  const restored = world(saveAt, original, machine);
  await restored.sfn.loadState(viaJson(saved));
  expect(restored.sfn.saveState()).toEqual(saved);
  return { original, restored, saved, callsAtSave: original.calls.length };
}

const pendingKinds = (saved: SavedStepFunctions) =>
  saved.running.map((r) => [r.executionArn.split(':').pop(), r.pending.map((p) => p.phase.kind).sort()]);

describe('Step Functions saved with executions in flight, and restored into a fresh engine', () => {
  it.each([
    ['inside the Wait', minutes(30), [['a', ['wait']]]],
    ['waiting for the approval token', minutes(70), [['a', ['token']]]],
    [
      'inside the Retry backoff, with a second execution at its Wait',
      minutes(90),
      [
        ['a', ['backoff', 'backoff', 'backoff']],
        ['b', ['wait']],
      ],
    ],
    ['with one execution finished and one waiting for its token', minutes(150), [['b', ['token']]]],
  ])('saved %s, continues exactly as the unsaved engine does', async (_where, saveAt, kinds) => {
    const { original, restored, saved, callsAtSave } = await saveAndRestore(saveAt);
    expect(pendingKinds(saved)).toEqual(kinds);
    expect(restored.calls).toEqual([]);

    const end = minutes(300);
    await drive(original, SCRIPT, saveAt, end);
    await drive(restored, SCRIPT, saveAt, end);

    const [a, b] = original.sfn.list();
    expect([a?.status, b?.status, b?.error]).toEqual(['SUCCEEDED', 'FAILED', 'Rejected']);
    expect(a?.history?.map((h) => h.type)).toEqual(Array(3).fill('TaskRetryScheduled'));
    expect(restored.sfn.list()).toEqual(original.sfn.list());
    expect(restored.sfn.transitions).toBe(original.sfn.transitions);
    expect(restored.calls).toEqual(original.calls.slice(callsAtSave));
    expect(restored.sfn.saveState()).toEqual(original.sfn.saveState());
    expect(restored.random.s).toBe(original.random.s);
  });

  it('times a restored approval out at its saved deadline', async () => {
    const script = SCRIPT.slice(0, 1);
    const { original, restored } = await saveAndRestore(minutes(70), script);
    for (const w of [original, restored]) await drive(w, script, minutes(70), minutes(179));
    expect(restored.sfn.list()[0]?.status).toBe('RUNNING');
    for (const w of [original, restored]) await drive(w, script, minutes(179), minutes(181));
    const [a] = restored.sfn.list();
    expect([a?.status, a?.error, a?.stopDate?.toISOString()]).toEqual([
      'FAILED',
      'ApprovalExpired',
      new Date(minutes(180)).toISOString(),
    ]);
    expect(restored.sfn.list()).toEqual(original.sfn.list());
    expect(() => restored.sfn.sendTaskSuccess(tokenOf(restored, 'a'), '{}')).toThrow('Task Timed Out');
  });

  it('times a restored execution out at its start + TimeoutSeconds, before its approval does', async () => {
    const script = SCRIPT.slice(0, 1);
    const short = { ...definition, TimeoutSeconds: 9000 };
    const { original, restored } = await saveAndRestore(minutes(70), script, short);
    for (const w of [original, restored]) await drive(w, script, minutes(70), minutes(200));
    const [a] = restored.sfn.list();
    expect([a?.status, a?.error, a?.stopDate?.toISOString()]).toEqual([
      'TIMED_OUT',
      'States.Timeout',
      new Date(minutes(150)).toISOString(),
    ]);
    expect(restored.sfn.list()).toEqual(original.sfn.list());
    expect(restored.clock.pending()).toBe(0);
  });

  it('answers SendTaskHeartbeat and SendTaskSuccess with the token issued before the save, once', async () => {
    const script = SCRIPT.slice(0, 1);
    const { restored } = await saveAndRestore(minutes(70), script);
    const token = tokenOf(restored, 'a');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    restored.sfn.sendTaskHeartbeat(token);
    restored.sfn.sendTaskSuccess(token, '{"decision":"approved"}');
    expect(() => restored.sfn.sendTaskSuccess(token, '{}')).toThrow('Task Does Not Exist');
    await drive(restored, script, minutes(70), minutes(100));
    expect(restored.sfn.list()[0]?.status).toBe('SUCCEEDED');
  });

  it.each([
    [
      'a journaled call made with another input',
      (run: SavedStepFunctions['running'][number]) => {
        const build = run.journal.find((e) => e.state === 'Build');
        if (build) build.digest = 'another-input';
      },
      'execution a diverged from its journal at state Build',
    ],
    [
      'a journaled call the execution never makes',
      (run: SavedStepFunctions['running'][number]) => {
        run.journal.push({ state: 'Share', digest: 'never', occurrence: 0, output: {} });
      },
      'execution a stopped short of where it was saved: 1 journaled and 0 pending call(s) never made (Share)',
    ],
  ])('refuses a journal with %s, naming execution and state, and invokes nothing', async (_what, tamper, message) => {
    const original = world(T0);
    await drive(original, SCRIPT, -1, minutes(30));
    const saved = viaJson(original.sfn.saveState());
    const run = saved.running[0];
    if (run) tamper(run);
    const restored = world(minutes(30));
    await expect(restored.sfn.loadState(saved)).rejects.toThrow(message);
    expect(restored.calls).toEqual([]);
  });

  it('leaves nothing on the clock once its executions ended, and labels all it put there as Step Functions', async () => {
    const w = world(T0);
    await drive(w, SCRIPT, -1, minutes(300));
    expect(w.sfn.list().map((e) => e.status)).toEqual(['SUCCEEDED', 'FAILED']);
    expect(w.clock.pending()).toBe(0);
    expect(w.labels.length).toBeGreaterThan(0);
    expect(w.labels.filter((l) => !l.startsWith('states '))).toEqual([]);
  });
});
