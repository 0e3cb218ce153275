import { DescribeImagesCommand, EnableImageDeprecationCommand, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { ssmClient } from '../../../aws/clients/ssm.js';
import { localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';

async function settleAll<T>(promises: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(promises);
}

describe('throttling through the SDK', () => {
  afterEach(resetClients);

  it('lets the documented burst through in one virtual instant and throttles the rest with RequestLimitExceeded', async () => {
    const { fakes, clock, stats } = localCloud({ maxAttempts: 1 });
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    const ec2 = ec2Client(R);
    const add = (i: number) =>
      ec2.send(
        new ModifyImageAttributeCommand({
          ImageId: ami.imageId,
          LaunchPermission: { Add: [{ UserId: String(210000000000 + i) }] },
        }),
      );
    // ModifyImageAttribute has its own documented bucket: 100 tokens, 5 per second.
    const first = await settleAll(Array.from({ length: 120 }, (_, i) => add(i)));
    expect(first.filter((r) => r.status === 'fulfilled')).toHaveLength(100);
    const rejected = first.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(20);
    expect(rejected[0]?.reason).toMatchObject({ name: 'RequestLimitExceeded' });
    await clock.run(clock.now() + 1000);
    const second = await settleAll(Array.from({ length: 10 }, (_, i) => add(200 + i)));
    expect(second.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(stats.apiCalls['ec2:ModifyImageAttribute']).toBe(130);
    expect(stats.throttled).toBe(25);
    expect(stats.faults.failedCalls).toBe(25);
  });

  it('uses the smaller mutating bucket (50, 5/s) for EnableImageDeprecation', async () => {
    const { fakes } = localCloud({ maxAttempts: 1 });
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    const ec2 = ec2Client(R);
    const results = await settleAll(
      Array.from({ length: 60 }, () =>
        ec2.send(new EnableImageDeprecationCommand({ ImageId: ami.imageId, DeprecateAt: new Date('2028-01-01') })),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
  });

  it('retries throttled calls with backoff on the virtual clock until they succeed', async () => {
    const { fakes, clock, stats } = localCloud();
    const ami = fakes.ec2.registerImage(R, { name: 'base 1' });
    const ec2 = ec2Client(R);
    const start = clock.now();
    const calls = Array.from({ length: 60 }, () =>
      clock.track(() =>
        ec2.send(new EnableImageDeprecationCommand({ ImageId: ami.imageId, DeprecateAt: new Date('2028-01-01') })),
      ),
    );
    await clock.run(start + 120_000);
    const results = await settleAll(calls);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const retried = results.filter((r) => r.status === 'fulfilled' && (r.value.$metadata.attempts ?? 1) > 1);
    expect(retried.length).toBe(10);
    expect(stats.faults.retried).toBeGreaterThanOrEqual(10);
    expect(stats.apiCalls['ec2:EnableImageDeprecation']).toBe(60);
    expect(stats.attempts).toBeGreaterThan(60);
  });

  it('injects faults from a seeded RNG, retries them, and repeats exactly for the same seed', async () => {
    const run = async () => {
      const { clock, stats } = localCloud({ seed: 7, faults: { throttleRate: 0.2, errorRate: 0.1 } });
      const ssm = ssmClient(R);
      const name = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
      const calls = Array.from({ length: 30 }, () =>
        clock.track(() => ssm.send(new GetParameterCommand({ Name: name }))),
      );
      await clock.run(clock.now() + 600_000);
      const results = await settleAll(calls);
      resetClients();
      return { ok: results.filter((r) => r.status === 'fulfilled').length, faults: { ...stats.faults } };
    };
    const a = await run();
    const b = await run();
    expect(a.faults.injected).toBeGreaterThan(0);
    expect(a.faults.retried).toBeGreaterThanOrEqual(a.faults.injected - a.faults.failedCalls);
    expect(a.ok + a.faults.failedCalls).toBe(30);
    expect(b).toEqual(a);
  });

  it('throttles the same calls of several sent at one virtual instant, in whatever order they reach the fakes', async () => {
    const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ca-central-1'];
    /** Attempts each Region's call took, the calls sent in `order`. */
    const attemptsIn = async (order: string[]) => {
      const { clock } = localCloud({ seed: 5, faults: { throttleRate: 0.5 } });
      const calls = order.map((region) =>
        clock.track(async () => {
          const answer = await ec2Client(region).send(new DescribeImagesCommand({ Owners: ['self'] }));
          return [region, answer.$metadata.attempts] as const;
        }),
      );
      await clock.run(clock.now() + 600_000);
      const attempts = Object.fromEntries(await Promise.all(calls));
      resetClients();
      return attempts;
    };
    const forward = await attemptsIn(regions);
    expect(new Set(Object.values(forward)).size).toBeGreaterThan(1);
    expect(await attemptsIn([...regions].reverse())).toEqual(forward);
  });

  it('keeps retrying each call through hundreds of calls when half of all attempts fail (no retry quota to drain)', async () => {
    // The SDK's standard quota (500 tokens, 14 per retry) would be empty after ~150 such calls, leaving every later
    // call one attempt: about half of them would fail, and a task making tens of calls would never get through.
    const { clock, stats } = localCloud({ seed: 3, faults: { errorRate: 0.5 } });
    const ssm = ssmClient(R);
    const name = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    const outcomes: boolean[] = [];
    const calls = clock.track(async () => {
      for (let i = 0; i < 600; i++) {
        outcomes.push(
          await ssm.send(new GetParameterCommand({ Name: name })).then(
            () => true,
            () => false,
          ),
        );
      }
    });
    await clock.run(clock.now() + 24 * 3_600_000);
    await calls;
    const late = outcomes.slice(300);
    // A call fails only when all 6 attempts do: 1 in 64 at a 50% error rate, early or late in the run.
    expect(late.filter((ok) => !ok).length).toBeLessThan(20);
    expect(outcomes.filter((ok) => !ok).length).toBe(stats.faults.failedCalls);
    expect(stats.faults.injected).toBeGreaterThan(500);
  });
});
