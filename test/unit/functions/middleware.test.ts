import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import * as z from 'zod';
import { MalformedEventError } from '../../../core/errors.js';
import { handlerFor } from '../../../functions/lib/middleware.js';
import { metrics } from '../../../functions/lib/powertools.js';
import { taskHandler } from '../../../functions/promotion/lambda.js';

const context = { functionName: 'goldsmith-test', awsRequestId: 'req-1' } as Context;

/** What one flush would have written as EMF: metric names with values, and the dimension sets. */
interface Flush {
  empty: boolean;
  values: Record<string, unknown>;
  dimensions: string[][];
}

describe('handlerFor metrics', () => {
  let flushes: Flush[];
  let publish: MockInstance<typeof metrics.publishStoredMetrics>;
  let coldStart: MockInstance<typeof metrics.captureColdStartMetric>;

  beforeEach(() => {
    flushes = [];
    const original = metrics.publishStoredMetrics.bind(metrics);
    publish = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      const empty = !metrics.hasStoredMetrics();
      const emf = metrics.serializeMetrics();
      const { _aws, ...values } = emf;
      flushes.push({ empty, values, dimensions: _aws.CloudWatchMetrics.flatMap((m) => m.Dimensions) });
      return original();
    });
    coldStart = vi.spyOn(metrics, 'captureColdStartMetric').mockImplementation(() => undefined);
  });

  afterEach(() => {
    publish.mockRestore();
    coldStart.mockRestore();
  });

  it('publishes EventsHandled under the handler name when the body returns', async () => {
    const handler = handlerFor({ name: 'start-builds', parse: z.object({ id: z.string() }), handle: async () => 'ok' });

    await expect(handler({ id: 'a' }, context)).resolves.toBe('ok');

    expect(flushes).toHaveLength(1);
    expect(flushes[0]?.empty).toBe(false);
    expect(flushes[0]?.values).toMatchObject({ EventsHandled: 1, handler: 'start-builds' });
    expect(flushes[0]?.values).not.toHaveProperty('EventsFailed');
    expect(flushes[0]?.dimensions).toEqual([['service']]);
  });

  it('publishes EventsFailed and rethrows when the body throws', async () => {
    const handler = handlerFor({
      name: 'on-finding',
      parse: z.object({}),
      handle: async () => {
        throw new Error('ledger unavailable');
      },
    });

    await expect(handler({}, context)).rejects.toThrow('ledger unavailable');

    expect(flushes[0]?.values).toMatchObject({ EventsFailed: 1, handler: 'on-finding' });
    expect(flushes[0]?.values).not.toHaveProperty('EventsHandled');
  });

  it('rethrows a transient AWS error with an unlisted name as Goldsmith.Transient and counts it', async () => {
    const aws = Object.assign(new Error('Bad gateway'), {
      name: 'BadGatewayException',
      $fault: 'server',
      $metadata: { httpStatusCode: 502 },
    });
    const handler = handlerFor({
      name: 'promotion-share',
      parse: z.object({}),
      handle: async () => {
        throw aws;
      },
    });

    const thrown = await handler({}, context).catch((e: unknown) => e);

    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe('Goldsmith.Transient');
    expect((thrown as Error).cause).toBe(aws);
    expect(flushes[0]?.values).toMatchObject({ TransientErrors: 1, EventsFailed: 1 });
  });

  it('rethrows a permanent error unchanged', async () => {
    const denied = Object.assign(new Error('denied'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    const handler = handlerFor({
      name: 'promotion-share',
      parse: z.object({}),
      handle: async () => {
        throw denied;
      },
    });

    await expect(handler({}, context)).rejects.toBe(denied);
    expect(flushes[0]?.values).not.toHaveProperty('TransientErrors');
  });

  it('publishes MalformedEvents and EventsFailed when the event does not parse', async () => {
    const handle = vi.fn(async () => 'never');
    const handler = handlerFor({ name: 'watch-base-images', parse: z.object({ id: z.string() }), handle });

    await expect(handler({ id: 7 }, context)).rejects.toBeInstanceOf(MalformedEventError);

    expect(handle).not.toHaveBeenCalled();
    expect(flushes[0]?.values).toMatchObject({ MalformedEvents: 1, EventsFailed: 1, handler: 'watch-base-images' });
  });

  it('never flushes empty metrics over successive invocations of a task handler', async () => {
    const handler = taskHandler('promotion-gate', async (input: { n: number }) => input.n + 1);

    await handler({ n: 1 }, context);
    await handler({ n: 2 }, context);

    expect(flushes.map((f) => f.empty)).toEqual([false, false]);
    expect(flushes.map((f) => f.values['handler'])).toEqual(['promotion-gate', 'promotion-gate']);
  });

  it('writes no Powertools metrics warnings when two handlers run interleaved in one process', async () => {
    const warnings = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let release: () => void = () => undefined;
    const slow = handlerFor({
      name: 'slow',
      parse: z.unknown(),
      handle: () => new Promise<void>((resolve) => (release = resolve)),
    });
    const fast = handlerFor({ name: 'fast', parse: z.unknown(), handle: async () => undefined });

    const pending = slow({}, context);
    await fast({}, context);
    release();
    await pending;
    const written = warnings.mock.calls.map(([chunk]) => String(chunk)).join('');
    warnings.mockRestore();

    expect(written).not.toContain('No application metrics');
    expect(written).not.toContain('has already been added');
    expect(flushes.map((f) => f.empty)).toEqual([false, false]);
  });

  it('still captures the cold-start metric with the function name', async () => {
    const handler = handlerFor({ name: 'approval-callback', parse: z.unknown(), handle: async () => undefined });

    await handler({}, context);

    expect(coldStart).toHaveBeenCalledWith('goldsmith-test');
  });
});
