import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readImagePartition } from '../../aws/ledger/image-partition.js';
import { getApproval } from '../../aws/promotion/promotion-approvals.js';
import { listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import { getPause } from '../../aws/promotion/promotion-pauses.js';
import { listSoaks, markSoakEndedEarly } from '../../aws/promotion/promotion-soaks.js';
import { resumedExecutionNameFor } from '../../core/promotion/naming.js';
import { answerApproval } from '../../functions/lib/approval-decision.js';
import { requestApproval } from '../../functions/promotion/request-approval.js';
import { share } from '../../functions/promotion/share.js';
import { startSoak } from '../../functions/promotion/soak-start.js';
import exampleCatalog from '../../goldsmith.config.js';
import { type InProcessDynamo, startInProcessDynamo } from '../../local/dynalite-in-process.js';
import { LocalStepFunctions } from '../../local/stepfunctions/engine.js';
import type { LocalExecution } from '../../local/stepfunctions/execution.js';
import type { StatesDefinition } from '../../local/stepfunctions/localize.js';
import { TASK_STATES } from '../../stacks/promotion/state-names.js';
import { BUILD_ARN, basePlan } from '../handlers/promotion-fixtures.js';
import { mockClient } from '../helpers/mock-client.js';
import { defaultWorld, freshLedger, mocks, synthesizedPromotion, taskOverrides } from './promotion-asl-harness.js';

/**
 * The synthesized promotion machine on the local engine, with a clock that jumps to each wait's end: Retry backoff,
 * soaks and outages take virtual hours and no real time. Tasks are our functions (DynamoDB on dynalite, the other
 * services mocked); a test makes one of them fail with a given error for a given virtual time.
 */

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:promotion';
const HOUR = 3_600_000;
type Handler = (input: unknown) => Promise<unknown>;

let definition: StatesDefinition;
const stepFunctions = mockClient(SFNClient);
let dynamo: InProcessDynamo;

beforeAll(async () => {
  definition = (await synthesizedPromotion()) as StatesDefinition;
  dynamo = startInProcessDynamo();
});

afterAll(async () => {
  await dynamo?.stop();
});

beforeEach(async () => {
  stepFunctions.reset();
  await freshLedger(dynamo);
  await defaultWorld();
  process.env.GOLDSMITH_CATALOG = JSON.stringify(exampleCatalog);
});

/** Which of our handlers a task's FunctionName (a placeholder ARN naming the function's logical id) is. */
const STATE_OF_FUNCTION: [RegExp, string][] = [
  [/:PromotionLoadImage/, TASK_STATES.loadImage],
  [/:PromotionGate/, TASK_STATES.gate],
  [/:PromotionSoakStart/, 'soak'],
  [/:PromotionSoakCheck/, TASK_STATES.soakCheck],
  [/:PromotionShare/, TASK_STATES.share],
  [/:PromotionPublish/, TASK_STATES.publish],
  [/:PromotionRetire/, TASK_STATES.retire],
  [/:PromotionRecordOutcome/, TASK_STATES.recordOutcome],
  [/:PromotionRequestApproval/, 'approval'],
];

/** The engine on a jumping clock; `replace` swaps a task's handler; prod is approved by ops-lead when asked. */
function engine(replace: Record<string, Handler> = {}) {
  let now = Date.parse('2027-01-14T04:00:00Z');
  const approvals: string[] = [];
  const soaks: string[] = [];
  const { handlers, calls } = taskOverrides(async () => undefined, replace);
  const sfn: LocalStepFunctions = new LocalStepFunctions({
    clock: {
      now: () => new Date(now),
      sleepUntil: async (at) => {
        now = Math.max(now, at.getTime());
      },
      // Approval and execution timeouts never come due within these tests.
      schedule: () => ({ cancel: () => undefined }),
    },
    random: () => 0.5,
    invoke: async (arn, payload) => {
      const state = STATE_OF_FUNCTION.find(([re]) => re.test(arn))?.[1];
      if (state === 'approval') {
        const request = payload as { taskToken: string; channel: string };
        await requestApproval(payload);
        approvals.push(request.channel);
        // ops-lead clicks Approve: the callback's own decision path (ledger first, then SendTaskSuccess).
        setTimeout(async () => {
          const approval = await getApproval('base', '1.0.0/3', request.channel);
          if (approval) await answerApproval(approval, 'approve', 'ops-lead', new Date(now).toISOString(), 'email');
        }, 1);
        return {};
      }
      if (state === 'soak') {
        // The soak runs out: these tests' clock schedules no timeouts, so it is ended by its token instead (the
        // the same way on to SoakCheck), recorded as an operator's early end is, so SoakCheck checks it.
        const request = payload as { taskToken: string; image: string; version: string; channel: string };
        soaks.push(request.channel);
        await startSoak(payload);
        // As the ledger holds it (its token sealed).
        const soak = (await listSoaks(request.image)).find(
          (s) => s.version === request.version && s.channel === request.channel,
        );
        if (!soak) throw new Error(`no soak recorded for ${request.channel}`);
        await markSoakEndedEarly(soak, 'ops-lead', new Date().toISOString(), 'the test clock ends it');
        setTimeout(() => sfn.sendTaskSuccess(request.taskToken, '{}'), 1);
        return {};
      }
      const handler = state ? handlers[state] : undefined;
      if (!handler) throw new Error(`no handler for ${arn}`);
      return handler(payload);
    },
  });
  sfn.register(MACHINE, definition);
  stepFunctions.on(SendTaskSuccessCommand).callsFake((input: { taskToken: string; output: string }) => {
    sfn.sendTaskSuccess(input.taskToken, input.output);
    return {};
  });
  const run = async (name = 'base-1-0-0-3'): Promise<LocalExecution> => {
    const input = { image: 'base', buildVersionArn: BUILD_ARN, version: '1.0.0/3', plan: basePlan };
    const { executionArn } = sfn.startExecution({ stateMachineArn: MACHINE, name, input: JSON.stringify(input) });
    await sfn.settled();
    return sfn.describeExecution(executionArn);
  };
  return { run, calls, approvals, soaks, now: () => now };
}

/** A task that fails with `error` for `forMs` of virtual time from its first call, then does its real work. */
function failingFor(error: () => Error, forMs: number, real: Handler, clock: { now(): number }): Handler {
  let since: number | undefined;
  return async (input) => {
    since ??= clock.now();
    if (clock.now() - since < forMs) throw error();
    return real(input);
  };
}

const named =
  (name: string, message: string, extra: Record<string, unknown> = {}) =>
  () =>
    Object.assign(new Error(message), { name, ...extra });

const outcomes = async () => (await listOutcomes('base', '1.0.0/3')).map((o) => `${o.channel} ${o.outcome}`).sort();
const published = (event: string) =>
  mocks.sns
    .commandCalls(PublishCommand)
    .filter((c) => c.args[0].input.MessageAttributes?.event?.StringValue === event)
    .map((c) => c.args[0].input.MessageAttributes?.channel?.StringValue);

describe('promotion state machine: a task failing with a transient error for an hour', () => {
  // One per class of core's table: throttling, 5xx / unavailable, timeouts, Step Functions' Lambda errors, ours.
  const transient: [string, () => Error][] = [
    ['throttling (ThrottlingException)', named('ThrottlingException', 'Rate exceeded')],
    ['EC2 throttling (RequestLimitExceeded)', named('RequestLimitExceeded', 'Request limit exceeded.')],
    ['5xx (InternalServerError)', named('InternalServerError', 'Internal server error')],
    ['unavailable (ServiceUnavailableException)', named('ServiceUnavailableException', 'unavailable')],
    ['timeout (Sandbox.Timedout)', named('Sandbox.Timedout', 'Task timed out after 300.00 seconds')],
    ['Lambda.ServiceException', named('Lambda.ServiceException', 'Lambda is unable to process the request')],
    ['Lambda.TooManyRequestsException', named('Lambda.TooManyRequestsException', 'Rate Exceeded.')],
    ['a bare 503 (Goldsmith.Transient)', named('Goldsmith.Transient', 'Error: HTTP 503')],
  ];

  it.each(transient)('%s: waits it out with backoff, then promotes every channel', async (_label, error) => {
    const clock = { now: () => 0 };
    const e = engine({ [TASK_STATES.share]: failingFor(error, HOUR, share, clock) });
    clock.now = e.now;

    const execution = await e.run();

    expect(execution.status).toBe('SUCCEEDED');
    expect(await outcomes()).toEqual(['dev promoted', 'prod promoted', 'staging promoted']);
    // The step history shows the waits: Share retried on that error across the hour, with growing backoff.
    const waits = (execution.history ?? []).filter((h) => h.state === TASK_STATES.share);
    expect(waits.length).toBeGreaterThan(5);
    expect(new Set(waits.map((w) => w.error))).toEqual(new Set([error().name]));
    expect(Date.parse(waits.at(-1)?.at ?? '') - Date.parse(waits[0]?.at ?? '')).toBeGreaterThanOrEqual(HOUR * 0.9);
    expect(waits.at(-1)?.waitSeconds).toBeGreaterThan(waits[0]?.waitSeconds ?? 0);
    expect(published('aborted')).toEqual([]);
  });

  it.each([
    ['AccessDeniedException', named('AccessDeniedException', 'not authorized to perform ec2:ModifyImageAttribute')],
    ['ValidationException', named('ValidationException', 'invalid launch permission')],
    ['ResourceNotFoundException', named('ResourceNotFoundException', 'no such image')],
  ])('a permanent %s fails the channel at once, aborted and announced', async (name, error) => {
    const e = engine({ [TASK_STATES.share]: async () => Promise.reject(error()) });

    const execution = await e.run();

    expect(execution.status).toBe('SUCCEEDED');
    // One attempt, no Retry wait in the step history: the Catch took it at once.
    expect(e.calls[TASK_STATES.share]).toBe(1);
    expect(execution.history ?? []).toEqual([]);
    const [dev] = await listOutcomes('base', '1.0.0/3');
    expect(dev).toMatchObject({ channel: 'dev', outcome: 'aborted', reason: expect.stringContaining(name) });
    expect(published('aborted')).toEqual(['dev']);
  });
});

describe('promotion state machine: a transient error that outlasts the retry horizon', () => {
  const unavailable = named('ServiceUnavailableException', 'The service is unable to process your request.');

  it('pauses the channel instead of deciding it, announces the pause, and the resumed execution finishes the rest', async () => {
    const clock = { now: () => 0 };
    const first = engine({ [TASK_STATES.share]: failingFor(unavailable, 30 * HOUR, share, clock) });
    clock.now = first.now;

    const paused = await first.run();

    expect(paused.status).toBe('SUCCEEDED');
    expect(await outcomes()).toEqual([]);
    expect(published('paused')).toEqual(['dev']);
    expect(await getPause('base', '1.0.0/3')).toMatchObject({
      status: 'paused',
      channel: 'dev',
      error: 'ServiceUnavailableException',
      resumes: 0,
    });
    const waited = (paused.history ?? []).filter((h) => h.state === TASK_STATES.share);
    expect(Date.parse(waited.at(-1)?.at ?? '') - Date.parse(waited[0]?.at ?? '')).toBeGreaterThan(20 * HOUR);

    const second = engine();
    const resumed = await second.run(resumedExecutionNameFor(BUILD_ARN, 1));

    expect(resumed.status).toBe('SUCCEEDED');
    expect(await outcomes()).toEqual(['dev promoted', 'prod promoted', 'staging promoted']);
    expect(published('paused')).toEqual(['dev']);
    expect(published('aborted')).toEqual([]);
  });

  it('does not soak again a channel whose soak ended before the pause: the resumed execution goes on to SoakCheck', async () => {
    const clock = { now: () => 0 };
    const first = engine({ [TASK_STATES.share]: failingFor(unavailable, 30 * HOUR, share, clock) });
    clock.now = first.now;
    await first.run();
    expect(first.soaks).toEqual(['dev']);
    const soakBefore = (await readImagePartition('base')).find((i) => i.sk === 'SOAK#1.0.0/3#dev');

    const second = engine();
    await second.run(resumedExecutionNameFor(BUILD_ARN, 1));

    // dev's soak is the one that ended before the pause; staging, reached for the first time, soaks.
    expect(second.soaks).toEqual(['staging']);
    const soakAfter = (await readImagePartition('base')).find((i) => i.sk === 'SOAK#1.0.0/3#dev');
    expect(soakAfter).toMatchObject({ startedAt: soakBefore?.startedAt, taskToken: soakBefore?.taskToken });
    expect(soakAfter?.earlier).toBeUndefined();
    expect(soakAfter?.passedAt).toEqual(expect.any(String));
    expect(await outcomes()).toEqual(['dev promoted', 'prod promoted', 'staging promoted']);
  });

  it('carries an approval given before the pause into the resumed execution, without asking again', async () => {
    const clock = { now: () => 0 };
    let prodShare: Handler | undefined;
    const first = engine({
      [TASK_STATES.share]: async (input) => {
        const channel = (input as { channel: { name: string } }).channel.name;
        if (channel !== 'prod') return share(input);
        prodShare ??= failingFor(unavailable, 30 * HOUR, share, clock);
        return prodShare(input);
      },
    });
    clock.now = first.now;

    await first.run();
    expect(await outcomes()).toEqual(['dev promoted', 'staging promoted']);
    expect(first.approvals).toEqual(['prod']);

    const second = engine();
    await second.run(resumedExecutionNameFor(BUILD_ARN, 1));

    expect(second.approvals).toEqual([]);
    const prod = (await listOutcomes('base', '1.0.0/3')).find((o) => o.channel === 'prod');
    expect(prod).toMatchObject({
      outcome: 'promoted',
      by: 'ops-lead',
      reason: 'passed every gate; approved by ops-lead',
    });
    expect(published('promoted').sort()).toEqual(['dev', 'prod', 'staging']);
  });
});
