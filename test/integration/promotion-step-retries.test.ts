import { DescribeImageAttributeCommand, type LaunchPermission, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getApproval, markApprovalSent } from '../../aws/promotion/promotion-approvals.js';
import { approvalTaskToken } from '../../aws/promotion/task-tokens.js';
import { requestApproval } from '../../functions/promotion/request-approval.js';
import { publishPayload } from '../../functions/promotion/schemas.js';
import { type InProcessDynamo, startInProcessDynamo } from '../../local/dynalite-in-process.js';
import { soakStateName, TASK_STATES } from '../../stacks/promotion/state-names.js';
import { described } from '../helpers/described-call.js';
import {
  type Asl,
  approver,
  defaultWorld,
  freshLedger,
  mocks,
  runPromotion,
  synthesizedPromotion,
  taskOverrides,
} from './promotion-asl-harness.js';

/**
 * Every task of the promotion state machine, failed after its effect: each runs once to the end (its effect made and
 * recorded), its answer is lost as if the Lambda failed, and Step Functions runs it again with the state the first
 * attempt left. The retry must recognize its own work: no AWS call that changes anything, no second announcement, and
 * the promotion ends as a clean run does. A token task's retry gets a new token, as Step Functions gives it.
 */

type Handler = (input: unknown) => Promise<unknown>;

let asl: Asl;
let dynamo: InProcessDynamo;

beforeAll(async () => {
  asl = await synthesizedPromotion();
  dynamo = startInProcessDynamo();
});

afterAll(async () => {
  await dynamo?.stop();
});

/** The harness's world, with launch permissions EC2 keeps (a retried Share reads back what the first granted). */
async function world(): Promise<void> {
  await freshLedger(dynamo);
  await defaultWorld();
  const granted = new Map<string, LaunchPermission[]>();
  mocks.ec2
    .on(DescribeImageAttributeCommand)
    .callsFake((input: { ImageId: string }) => ({ LaunchPermissions: granted.get(input.ImageId) ?? [] }));
  mocks.ec2
    .on(ModifyImageAttributeCommand)
    .callsFake((input: { ImageId: string; LaunchPermission?: { Add?: LaunchPermission[] } }) => {
      granted.set(input.ImageId, [...(granted.get(input.ImageId) ?? []), ...(input.LaunchPermission?.Add ?? [])]);
      return {};
    });
}

beforeEach(world);

/**
 * Calls a retry may repeat because repeating them changes nothing: each sets a state to the same value (tags, an
 * AMI's deprecation time) or is delivered at least once anyway (EventBridge events, which every consumer dedupes).
 */
const REPEATABLE = new Set(['CreateTagsCommand', 'EnableImageDeprecationCommand', 'PutEventsCommand']);
const lasting = (calls: string[]) => calls.filter((c) => !REPEATABLE.has(c)).sort();

/** Calls to the mocked services that change something (all but Describe*, Get*, List*), skipping the first `from`. */
function changes(from: number[] = []): string[] {
  return Object.values(mocks).flatMap((m, i) =>
    m
      .calls()
      .slice(from[i] ?? 0)
      .map((c) => described(c.args[0] as { constructor: { name: string }; input: unknown }))
      .filter((name) => !/^(Describe|Get|List)/.test(name)),
  );
}

/** Where each mock's call list stands now. */
const mark = () => Object.values(mocks).map((m) => m.calls().length);

const approveAs = (by: string) => approver(async () => ({ decision: 'approved', by, at: '2027-01-20T09:00:00Z' }));

/**
 * The retry's payload: Step Functions resolves the Parameters again for it, so a payload carrying the attempt's
 * counts (`$$.State.RetryCount`, Publish's) has RetryCount one more; any other is the same input.
 */
function retryPayload(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || !('attempt' in input)) return input;
  const { state, attempt } = publishPayload(input);
  return { state, attempt: { ...attempt, retryCount: (attempt.retryCount ?? 0) + 1 } };
}

/** Runs `fn` twice on the same input: the first answer is lost; what the retry changed is kept per state. */
function failedAfterEffect(state: string, fn: Handler, retryChanges: Map<string, string[]>): Handler {
  return async (input) => {
    // The first attempt acts and records; its answer (or its error) never reaches Step Functions.
    const first = await fn(input).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    const before = mark();
    const retry = await fn(retryPayload(input)).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    retryChanges.set(state, [...(retryChanges.get(state) ?? []), ...changes(before)]);
    // The same outcome as the first attempt: an answer again, or the same error. (An answer may differ in what this
    // attempt itself did, e.g. Share's count of the calls it made; the promotion's outcomes are compared below.)
    const kind = (r: typeof first) => ('error' in r ? `error ${(r.error as Error).name}` : 'answer');
    expect(kind(retry), state).toBe(kind(first));
    if ('error' in retry) throw retry.error;
    return retry.value;
  };
}

const STATES = [
  TASK_STATES.loadImage,
  TASK_STATES.gate,
  soakStateName('dev'),
  TASK_STATES.soakCheck,
  TASK_STATES.share,
  TASK_STATES.publish,
  TASK_STATES.retire,
];

describe('every promotion step, failed after its effect and retried', () => {
  // A clean run: the outcomes a retried step must reach, and the changes it must not add to.
  let clean: Awaited<ReturnType<typeof runPromotion>>;
  let cleanChanges: string[];

  beforeAll(async () => {
    await world();
    clean = await runPromotion(asl, taskOverrides(approveAs('ops-lead')).handlers);
    cleanChanges = lasting(changes());
    expect(clean.failure).toBeUndefined();
    expect(clean.outcomes.map((o) => `${o.channel} ${o.outcome}`)).toEqual([
      'dev promoted',
      'prod promoted',
      'staging promoted',
    ]);
  });

  it.each(STATES)('%s: the retry changes nothing more and the promotion ends as a clean run', async (state) => {
    const retryChanges = new Map<string, string[]>();
    const { handlers } = taskOverrides(approveAs('ops-lead'));
    const real = handlers[state];
    if (!real) throw new Error(`no task ${state}`);
    const { handlers: retried } = taskOverrides(approveAs('ops-lead'), {
      [state]: failedAfterEffect(state, real, retryChanges),
    });

    const run = await runPromotion(asl, retried);

    expect(run.failure).toBeUndefined();
    expect(run.outcomes).toEqual(clean.outcomes);
    expect(lasting(retryChanges.get(state) ?? [])).toEqual([]);
    expect(lasting(changes())).toEqual(cleanChanges);
  });

  it('RequestApproval: a retry with a new token takes over its own request and sends nothing twice', async () => {
    let retryChanges: string[] = [];
    const approve = approveAs('ops-lead');
    const { handlers } = taskOverrides(async (input) => {
      const payload = (input as { Payload: Record<string, unknown> }).Payload;
      // The first attempt, under its own token, requests and sends every link; then its Lambda fails.
      const first = await requestApproval({ ...payload, taskToken: 'an-earlier-attempt-token' });
      const before = mark();
      const answer = await approve(input);
      retryChanges = changes(before);
      // The retry holds the request under its token (sealed), with the earlier id its links carry.
      const held = await getApproval('base', '1.0.0/3', 'prod');
      expect(held).toMatchObject({ approvalId: first.approvalId, linksSentTo: ['ops-lead', 'security-reviewer'] });
      expect(held && (await approvalTaskToken(held))).toBe(payload.taskToken);
      return answer;
    });

    const run = await runPromotion(asl, handlers);

    expect(run.failure).toBeUndefined();
    expect(run.outcomes).toEqual(clean.outcomes);
    expect(retryChanges).toEqual([]);
    expect(lasting(changes())).toEqual(cleanChanges);
  });
});

describe('RequestApproval, when the request in the ledger is not its own', () => {
  const payload = {
    taskToken: 'a-token-of-this-promotion',
    execution: 'arn:aws:states:us-east-1:123456789012:execution:promotion:base-1-0-0-3',
    image: 'base',
    version: '1.0.0/3',
    channel: 'prod',
  };

  it("refuses another promotion's request, sending nothing and leaving it as it was", async () => {
    const { handlers } = taskOverrides(approveAs('ops-lead'));
    // Gate passes prod (the run records it), then the other promotion's request is in the ledger.
    await runPromotion(asl, handlers);
    const held = await getApproval('base', '1.0.0/3', 'prod');
    const before = mark();

    const other = { ...payload, execution: 'arn:aws:states:us-east-1:123456789012:execution:promotion:another' };
    await expect(requestApproval(other)).rejects.toMatchObject({
      name: 'AlreadyDecidedError',
      message: expect.stringContaining('another promotion holds it'),
    });

    expect(changes(before)).toEqual([]);
    expect(await getApproval('base', '1.0.0/3', 'prod')).toEqual(held);
  });

  it('refuses even its own promotion once the decision reached Step Functions', async () => {
    const { handlers } = taskOverrides(approveAs('ops-lead'));
    await runPromotion(asl, handlers);
    const held = await getApproval('base', '1.0.0/3', 'prod');
    await markApprovalSent('base', '1.0.0/3', 'prod', '2027-01-20T09:00:01Z');
    const before = mark();

    await expect(requestApproval(payload)).rejects.toMatchObject({ name: 'AlreadyDecidedError' });

    expect(changes(before)).toEqual([]);
    expect((await getApproval('base', '1.0.0/3', 'prod'))?.taskToken).toBe(held?.taskToken);
  });
});
