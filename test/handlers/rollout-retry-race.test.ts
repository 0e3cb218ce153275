import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readImagePartition } from '../../aws/ledger/image-partition.js';
import { stopRollout } from '../../aws/rollout/rollout-ledger.js';
import { precheck } from '../../cli/operator/precheck.js';
import { rolloutExecutionName } from '../../core/rollout/request.js';
import { operatorEndpoint } from '../../functions/operator.js';
import { stopOrphanedRollouts } from '../../functions/reconcile-rollouts.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  published,
  REST,
  record,
  rolloutCatalog,
  settle,
  sns,
  useRolloutWorld,
  WAVE1,
} from './rollout-fixtures.js';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:goldsmith-test-rollout';
const ALICE = 'arn:aws:sts::111122223333:assumed-role/goldsmith-test-operators/alice';
const RETRY = { action: 'rollout-retry', image: 'base', channel: 'prod', reason: 'health check path fixed' };
const RETRIED = rolloutExecutionName(INPUT.image, INPUT.channel, INPUT.version, 1);
const FIRST = rolloutExecutionName(INPUT.image, INPUT.channel, INPUT.version);

async function operator(body: Record<string, unknown>, caller = ALICE) {
  const reply = await operatorEndpoint({
    body: JSON.stringify(body),
    requestContext: { requestId: 'req-1', http: { method: 'POST' }, authorizer: { iam: { userArn: caller } } },
  });
  return { status: reply.statusCode, body: JSON.parse(String(reply.body)) as Record<string, unknown> };
}

/**
 * Step Functions' executions by name, as StartExecution and DescribeExecution answer for a Standard workflow: the same
 * name and input while it is open is the same execution (idempotent), a closed one's name or another input is
 * ExecutionAlreadyExists, an unknown name ExecutionDoesNotExist
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html).
 */
const executions = new Map<string, { input: string; status: string; startDate: Date }>();
/** Runs once, inside the next StartExecution, before Step Functions acts on it: what happens in between. */
let beforeStart: (() => Promise<void>) | undefined;
/** What the next StartExecution throws, before anything starts. */
let startFails: Error | undefined;

const nameOf = (arn: string | undefined) => String(arn).split(':').at(-1) ?? '';

describe('rollout retry under any interleaving with the reconciler, a repeat and a failed start', () => {
  useRolloutWorld();
  const sfn = mockClient(SFNClient);
  beforeEach(() => {
    process.env.ROLLOUT_STATE_MACHINE_ARN = MACHINE;
    process.env.OPERATORS_ROLE_ARN = 'arn:aws:iam::111122223333:role/goldsmith-test-operators';
    executions.clear();
    beforeStart = undefined;
    startFails = undefined;
    // The rollout's first execution ran and ended when its halted wave had gone back.
    executions.set(FIRST, { input: JSON.stringify(INPUT), status: 'SUCCEEDED', startDate: new Date(0) });
    sfn.on(StartExecutionCommand).callsFake(async (i: { name: string; input: string }) => {
      const between = beforeStart;
      beforeStart = undefined;
      if (between) await between();
      const fails = startFails;
      startFails = undefined;
      if (fails) throw fails;
      const known = executions.get(i.name);
      if (known && (known.status !== 'RUNNING' || known.input !== i.input))
        throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${i.name}'`, $metadata: {} });
      const started = known ?? { input: i.input, status: 'RUNNING', startDate: new Date() };
      executions.set(i.name, started);
      return {
        executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:${i.name}`,
        startDate: started.startDate,
      };
    });
    sfn.on(DescribeExecutionCommand).callsFake((i: { executionArn: string }) => {
      const known = executions.get(nameOf(i.executionArn));
      if (!known)
        throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${i.executionArn}'`, $metadata: {} });
      return { executionArn: i.executionArn, ...known };
    });
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
  });
  afterEach(() => {
    sfn.reset();
    delete process.env.ROLLOUT_STATE_MACHINE_ARN;
  });

  /** The canary's refresh fails and rolls back: the rollout halts at wave 1/3 and its execution ends. */
  async function halted(): Promise<void> {
    await startRollout(INPUT);
    settle(CANARY, 'RollbackSuccessful', 'Instances failed to pass the ELB health check');
    await checkWave(INPUT);
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'halted' });
  }

  it('the reconciler running between the write and the start finds the retry under way and starts its execution, once', async () => {
    await halted();
    let found: Awaited<ReturnType<typeof stopOrphanedRollouts>> | undefined;
    beforeStart = async () => {
      expect((await record()).retrying).toEqual({ execution: RETRIED, at: expect.any(String) });
      found = await stopOrphanedRollouts(new Date());
    };

    expect(await operator(RETRY)).toMatchObject({ status: 200, body: { result: { state: 'running' } } });
    expect(found).toEqual({ stopped: [], retried: [`base 1.0.0/3 prod (${RETRIED})`], failures: [] });
    expect([...executions.keys()]).toEqual([FIRST, RETRIED]);
    expect((await record()).state).toBe('running');
    expect(published().filter((p) => p.startsWith('rollout-stopped'))).toEqual([]);

    // The execution's first step runs the canary again; its write ends the intent, and the next run leaves it be.
    await startRollout({ ...INPUT, executionName: RETRIED });
    expect(memberOf(CANARY).refreshes).toHaveLength(2);
    expect((await record()).retrying).toBeUndefined();
    expect(await stopOrphanedRollouts(new Date())).toEqual({ stopped: [], failures: [] });
  });

  it('a retry sent twice, the second while the first has not started its execution: one execution, both answered', async () => {
    await halted();
    let second: Awaited<ReturnType<typeof operator>> | undefined;
    beforeStart = async () => {
      second = await operator(RETRY);
    };
    const first = await operator(RETRY);
    expect(first).toMatchObject({ status: 200, body: { result: { state: 'running', wave: 1 } } });
    expect(second).toMatchObject({
      status: 200,
      body: {
        result: { state: 'running', wave: 1, at: first.body.result && (first.body.result as { at: string }).at },
      },
    });
    expect([...executions.keys()]).toEqual([FIRST, RETRIED]);
    expect(published().filter((p) => p.startsWith('rollout-resumed'))).toHaveLength(1);
  });

  it('the same retry sent twice at once: the one whose write loses answers as the one that won, one execution', async () => {
    await halted();
    const both = await Promise.all([operator(RETRY), operator(RETRY)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    // Alike but for which one made the retry: the loser says it found the winner's.
    const [a, b] = both.map((r) => r.body.result as Record<string, unknown>);
    expect({ ...a, alreadyRetried: undefined }).toEqual({ ...b, alreadyRetried: undefined });
    expect([a?.alreadyRetried, b?.alreadyRetried].sort()).toEqual([false, true]);
    expect([...executions.keys()]).toEqual([FIRST, RETRIED]);
    expect((await record()).operatorActions?.filter((a) => a.action === 'retry')).toHaveLength(1);
  });

  it('a start that fails leaves the retry recorded: the reconciler starts it, and the repeat finds it', async () => {
    await halted();
    startFails = new SFNServiceException({
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
      message: 'Service Unavailable',
    });
    await expect(operator(RETRY)).rejects.toThrow('Service Unavailable');
    expect(await record()).toMatchObject({ state: 'running', retrying: { execution: RETRIED } });
    expect([...executions.keys()]).toEqual([FIRST]);

    expect(await stopOrphanedRollouts(new Date())).toEqual({
      stopped: [],
      retried: [`base 1.0.0/3 prod (${RETRIED})`],
      failures: [],
    });
    expect(executions.get(RETRIED)?.status).toBe('RUNNING');
    expect(await operator(RETRY)).toMatchObject({ status: 200, body: { result: { state: 'running' } } });
    expect([...executions.keys()]).toEqual([FIRST, RETRIED]);
  });

  it('announces the retry as the rollout resumed by its operator from the wave that halted (SNS, and Slack from it)', async () => {
    await halted();
    await operator(RETRY);
    const resumed = sns
      .commandCalls(PublishCommand)
      .map((c) => JSON.parse(JSON.parse(String(c.args[0].input.Message)).default))
      .filter((n: { event: string }) => n.event === 'rollout-resumed');
    expect(resumed.map((n: { title: string }) => n.title)).toEqual([
      'base 1.0.0/3: prod rollout resumed by alice from wave 1/3 (canary) (retry 1)',
    ]);
    expect(resumed[0]?.summary).toBe(
      `${ALICE} retried the prod rollout of base 1.0.0/3: resumed from wave 1/3 (canary) after its halt (wave canary failed: web-1 in ${CANARY} us-east-1: Instances failed to pass the ELB health check (RollbackSuccessful)): health check path fixed. That wave and the later ones start again.`,
    );
  });

  it.each([
    ['another input', { ...INPUT, version: '9.9.9/1' }, () => new Date()],
    ['its input, started before the retry decided', INPUT, () => new Date(0)],
  ])(
    'the reconciler finding an execution of the retry’s name with %s marks the rollout stopped, starting none',
    async (_, input, startDate) => {
      await halted();
      startFails = new SFNServiceException({
        name: 'ServiceUnavailable',
        $fault: 'server',
        $metadata: { httpStatusCode: 503 },
        message: 'Service Unavailable',
      });
      await expect(operator(RETRY)).rejects.toThrow('Service Unavailable');
      // Someone else starts an execution under the retry's name between the reconciler's read and its start.
      const foreign = { input: JSON.stringify({ image: input.image, channel: input.channel, version: input.version }) };
      beforeStart = async () => {
        executions.set(RETRIED, { ...foreign, status: 'RUNNING', startDate: startDate() });
      };

      expect(await stopOrphanedRollouts(new Date())).toEqual({
        stopped: ['base 1.0.0/3 prod (not its own execution)'],
        failures: [],
      });
      const r = await record();
      expect(r.state).toBe('stopped');
      expect(r.reason).toMatch(new RegExp(`^its retry's execution is not its own: an execution named ${RETRIED} `));
      expect(published().filter((p) => p.startsWith('rollout-stopped'))).toHaveLength(1);
      expect([...executions.keys()]).toEqual([FIRST, RETRIED]);
    },
  );

  it('a reconciler that read the record before a write does not stop it on that read', async () => {
    await halted();
    await operator(RETRY);
    const read = await record();
    await startRollout({ ...INPUT, executionName: RETRIED });
    expect(
      await stopRollout(read, 'its execution is SUCCEEDED while the rollout was running', new Date().toISOString()),
    ).toBe(false);
    expect((await record()).state).toBe('running');
  });

  it('a retry sent again while it is under way is answered as that retry (exit 0); another reason or caller is refused, naming it', async () => {
    await halted();
    const first = await operator(RETRY);
    // The retry's execution ran its first step: the canary refreshes again, the retry's intent is done.
    await startRollout({ ...INPUT, executionName: RETRIED });
    const running = await record();
    expect(running.state).toBe('running');
    expect(running.retrying).toBeUndefined();

    // The CLI's early refusal from the ledger lets the repeat reach the endpoint, which knows the caller.
    const where = {
      kind: 'stage',
      stage: 'test',
      region: 'us-east-1',
      url: undefined,
      catalog: rolloutCatalog(),
    } as const;
    const items = await readImagePartition(INPUT.image);
    expect(precheck(where, items, { action: 'rollout-retry', image: 'base', channel: 'prod' }, new Date())).toBe(
      undefined,
    );

    const again = await operator(RETRY);
    expect(first.body.result).toMatchObject({ alreadyRetried: false });
    const made = first.body.result as Record<string, unknown>;
    expect(again).toMatchObject({ status: 200, body: { result: { ...made, alreadyRetried: true } } });
    const otherReason = await operator({ ...RETRY, reason: 'something else' });
    const otherCaller = await operator(RETRY, ALICE.replace('alice', 'bob'));
    for (const refused of [otherReason, otherCaller]) {
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatch(
        /^the rollout of base 1\.0\.0\/3 to prod is running, wave 1\/3 \(canary\), after the retry by arn:\S+\/alice at \S+ \(health check path fixed\): nothing to retry/,
      );
    }
    expect([...executions.keys()]).toEqual([FIRST, RETRIED]);
    expect(published().filter((p) => p.startsWith('rollout-resumed'))).toHaveLength(1);
    expect((await record()).operatorActions?.filter((a) => a.action === 'retry')).toHaveLength(1);
  });
});
