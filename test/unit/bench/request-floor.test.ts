import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { client } from '../../../aws/clients.js';
import { floorOf, formatRequestFloor, measureRequestFloor, perCall } from '../../../bench/request-floor.js';
import { modelCheckFigures, resetModelChecks } from '../../../local/models/request-check.js';

describe('the request floor benchmark', () => {
  it('times each kind through the SDK and the model check, and leaves no client configured', async () => {
    resetModelChecks();
    const floor = await measureRequestFloor(20);
    expect(floor.requests).toBe(20);
    for (const kind of ['getItem', 'query', 'putItem', 'other'] as const) {
      expect(floor[kind]).toBeGreaterThan(0);
      expect(floor.cpu[kind]).toBeGreaterThan(0);
    }
    // Five kinds, 20 untimed and 20 timed passes each, besides the table's setup: every request was checked.
    const checked = modelCheckFigures().operations;
    for (const operation of ['GetItem', 'Query', 'PutItem', 'DescribeImageAttribute', 'GetParameters']) {
      expect(Object.entries(checked).find(([k]) => k.endsWith(`:${operation}`))?.[1]).toBeGreaterThanOrEqual(40);
    }
    expect(formatRequestFloor(floor)).toMatch(
      /^request floor \(wall per request.*20 timed passes after up to 2,000 untimed\)\n {2}DynamoDB GetItem \d+ µs, Query of one item \d+ µs, PutItem \d+ µs; another service's call \(the cheaper of EC2's and SSM's\) \d+ µs\n {2}CPU per request: \d+, \d+, \d+ and \d+ µs$/,
    );
    // The floor's settings are gone: an EC2 client now has no local endpoint.
    expect(client('ec2', 'us-east-1').config.endpoint).toBeUndefined();
  });

  it('times only the passes after the warm-up, per request, wall and CPU apart', async () => {
    const calls = { waits: 0, spins: 0 };
    const measured = await perCall(5, {
      // The 5 warm-up passes wait 700 ms each, the 5 timed ones 150 ms: a mean over the timed passes stays under 350
      // ms on a loaded machine, one that counted the warm-up (over 5 or 10 passes) is above it.
      waits: async () => {
        calls.waits += 1;
        await sleep(calls.waits <= 5 ? 700 : 150);
      },
      // At least 3 ms of this process's CPU, however long a loaded machine takes to give it (a spin timed by the
      // wall clock gets less CPU than its wall time when other processes share the cores).
      spins: async () => {
        calls.spins += 1;
        const start = process.cpuUsage();
        for (let used = process.cpuUsage(start); used.user + used.system < 3000; used = process.cpuUsage(start));
      },
    });
    expect(calls).toEqual({ waits: 10, spins: 10 });
    expect(measured.waits.wall).toBeGreaterThanOrEqual(145_000);
    expect(measured.waits.wall).toBeLessThan(350_000);
    // A wait is mostly not CPU. The process's CPU counts its other threads too (V8's collector and compiler catching
    // up after the worker's previous file: 32 ms in a 50 ms wait on a loaded machine): half of a 150 ms wait leaves
    // room for them.
    expect(measured.waits.cpu).toBeLessThan(measured.waits.wall / 2);
    expect(measured.spins.cpu).toBeGreaterThanOrEqual(2000);
  });

  it("takes another service's call at the cheaper of EC2's and SSM's, each kind's own figures", () => {
    const floor = floorOf(
      {
        getItem: { wall: 100, cpu: 110 },
        query: { wall: 200, cpu: 210 },
        putItem: { wall: 300, cpu: 310 },
        ec2: { wall: 90, cpu: 95 },
        ssm: { wall: 80, cpu: 85 },
      },
      7,
    );
    expect(floor).toEqual({
      requests: 7,
      getItem: 100,
      query: 200,
      putItem: 300,
      other: 80,
      cpu: { getItem: 110, query: 210, putItem: 310, other: 85 },
    });
  });
});
