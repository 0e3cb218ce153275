import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rolloutExecutionName } from '../../core/rollout/request.js';
import { ROLLOUT_LINE_KINDS, rolloutHistory } from '../../core/status/rollout-history.js';
import { operatorEndpoint } from '../../functions/operator.js';
import { checkWave } from '../../functions/rollout/check.js';
import { startRollout } from '../../functions/rollout/start.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  CANARY,
  followingGroup,
  INPUT,
  memberOf,
  PREVIOUS,
  PREVIOUS_AMI,
  pointAt,
  published,
  REST,
  record,
  settle,
  useRolloutWorld,
  WAVE1,
} from './rollout-fixtures.js';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:goldsmith-test-rollout';
const ALICE = 'arn:aws:sts::111122223333:assumed-role/goldsmith-test-operators/alice';
const RETRY = { action: 'rollout-retry', image: 'base', channel: 'prod', reason: 'health check path fixed' };

async function operator(body: Record<string, unknown>, caller = ALICE) {
  const reply = await operatorEndpoint({
    body: JSON.stringify(body),
    requestContext: { requestId: 'req-1', http: { method: 'POST' }, authorizer: { iam: { userArn: caller } } },
  });
  return { status: reply.statusCode, body: JSON.parse(String(reply.body)) as Record<string, unknown> };
}

describe('rollout retry: a halted rollout goes on from the wave that halted', () => {
  useRolloutWorld();
  const sfn = mockClient(SFNClient);
  beforeEach(() => {
    process.env.ROLLOUT_STATE_MACHINE_ARN = MACHINE;
    process.env.OPERATORS_ROLE_ARN = 'arn:aws:iam::111122223333:role/goldsmith-test-operators';
    sfn.on(StartExecutionCommand).callsFake(() => ({ executionArn: `${MACHINE}:retry`, startDate: new Date() }));
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', input: JSON.stringify(INPUT) });
    for (const account of [CANARY, WAVE1, REST]) followingGroup(account);
  });
  afterEach(() => {
    sfn.reset();
    delete process.env.ROLLOUT_STATE_MACHINE_ARN;
  });

  /** wave-1's refresh fails and rolls back: the rollout halts at wave 2/3 and the wave ends rolled back. */
  async function haltedAtWave1(): Promise<void> {
    await startRollout(INPUT);
    settle(CANARY, 'Successful');
    await checkWave(INPUT);
    settle(WAVE1, 'RollbackInProgress', 'Instances failed to pass the ELB health check');
    expect(await checkWave(INPUT)).toMatchObject({ state: 'halted', currentWave: 1 });
  }

  it('refuses in one line while the halted wave is still going back, then retries it once, by a new execution', async () => {
    await haltedAtWave1();
    const early = await operator(RETRY);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatch(/is still taking its halted wave back: retry once rollout status shows/);
    settle(WAVE1, 'RollbackSuccessful');
    for (const r of memberOf(WAVE1).refreshes) if (r.status === 'RollbackInProgress') r.status = 'RollbackSuccessful';
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'halted' });

    const first = await operator(RETRY);
    expect(first).toMatchObject({ status: 200, body: { ok: true, result: { state: 'running', wave: 2, waves: 3 } } });
    const name = rolloutExecutionName(INPUT.image, INPUT.channel, INPUT.version, 1);
    expect(name).toMatch(/^retry1-base-prod-1-0-0-3-/);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([name]);
    const retried = await record();
    expect(retried).toMatchObject({ state: 'running', currentWave: 1, openWork: 'rollout' });
    expect(retried.endedAt).toBeUndefined();
    expect(retried.waves.map((w) => w.state)).toEqual(['healthy', 'pending', 'pending']);
    expect(published().filter((p) => p.startsWith('rollout-resumed'))).toEqual(['rollout-resumed wave-1']);

    // A repeat (the reply was lost) starts the same named execution and announces nothing more.
    const again = await operator(RETRY);
    expect(again.status).toBe(200);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([name, name]);
    expect(published().filter((p) => p.startsWith('rollout-resumed'))).toHaveLength(1);

    // The rollout's earlier execution, were it still running (or one of the previous release, without its name in
    // its input), drives nothing: refused, not retried, nothing started or written.
    const before = await record();
    const earlier = rolloutExecutionName(INPUT.image, INPUT.channel, INPUT.version);
    await expect(checkWave({ ...INPUT, executionName: earlier })).rejects.toThrow(
      `rollout executionName: ${earlier} is not the execution driving the rollout of base 1.0.0/3 prod (${name}): refusing to drive it`,
    );
    await expect(checkWave(INPUT)).rejects.toMatchObject({
      name: 'RolloutRefused',
      message: expect.stringMatching(/^rollout executionName: missing \(an execution of the previous release\)/),
    });
    expect(memberOf(WAVE1).refreshes).toHaveLength(1);
    expect(await record()).toEqual(before);

    // The new execution's first task starts wave-1 again; the canary is not refreshed again.
    const own = { ...INPUT, executionName: name };
    await startRollout(own);
    expect(memberOf(WAVE1).refreshes).toHaveLength(2);
    expect(memberOf(CANARY).refreshes).toHaveLength(1);
    settle(WAVE1, 'Successful');
    await checkWave(own);
    settle(REST, 'Successful');
    expect(await checkWave(own)).toMatchObject({ done: true, state: 'completed' });

    // history tells the first attempt, its halt, the retry, then the wave again.
    const order = (k: (typeof ROLLOUT_LINE_KINDS)[number]) => ROLLOUT_LINE_KINDS.indexOf(k);
    const story = rolloutHistory(await record())
      .sort((a, b) => a.at.localeCompare(b.at) || order(a.kind) - order(b.kind))
      .map((l) => l.what);
    const at = (re: RegExp) => story.findIndex((l) => re.test(l));
    expect(at(/wave 2\/3 \(wave-1\) rolled back: 1 group/)).toBeGreaterThan(at(/^rollout halted: wave wave-1 failed/));
    expect(at(/^rollout retried by .*alice from wave 2\/3 \(wave-1\): health check path fixed$/)).toBeGreaterThan(
      at(/wave 2\/3 \(wave-1\) rolled back/),
    );
    expect(at(/wave 2\/3 \(wave-1\) healthy/)).toBeGreaterThan(at(/^rollout retried/));
    expect(story.at(-1)).toMatch(/^rollout completed/);
    // The first attempt's lines keep their detail: where it started, which group failed and why.
    expect(story.filter((l) => l === 'rollout wave 2/3 (wave-1) started: 1 group in 1 account(s)')).toHaveLength(2);
    expect(story).toContainEqual(
      expect.stringMatching(
        /^rollout wave 2\/3 \(wave-1\) failed: 1\/1 group failed \(web-\S+ in \d{12} us-east-1: \w+/,
      ),
    );
  });

  it('refuses in one line when nothing is halted, or when the channel has moved off the version, changing nothing', async () => {
    await startRollout(INPUT);
    const running = await operator(RETRY);
    expect(running).toMatchObject({ status: 409 });
    expect(running.body.error).toBe(
      'the rollout of base 1.0.0/3 to prod is running, wave 1/3 (canary): nothing to retry (only a halted rollout is retried)',
    );
    const none = await operator({ ...RETRY, channel: 'staging' });
    expect(none.status).toBe(404);

    settle(CANARY, 'RollbackSuccessful', 'Instances failed to pass the ELB health check');
    expect(await checkWave(INPUT)).toMatchObject({ state: 'halted' });
    expect(await checkWave(INPUT)).toMatchObject({ done: true, state: 'halted' });
    await pointAt(PREVIOUS, PREVIOUS_AMI);
    const moved = await operator(RETRY);
    expect(moved.status).toBe(409);
    expect(moved.body.error).toMatch(/the prod pointer names 1\.0\.0\/2 now: only the version it holds rolls out/);
    expect((await record()).state).toBe('halted');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
