import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { payloadDigest } from '../../../core/redrive/failed-invocations.js';
import type { FailureRecorder } from '../../../functions/lib/failed-invocations.js';
import { handlerFor } from '../../../functions/lib/middleware.js';

const context = {
  functionName: 'goldsmith-prod-StartBuilds',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:goldsmith-prod-StartBuilds:$LATEST',
  awsRequestId: 'req-1',
} as Context;

/** A recorder that keeps what it was asked to record. */
function recorder(fail = false) {
  const recorded: { requestId: string; functionArn: string; digest: string }[] = [];
  const record: FailureRecorder = async (requestId, functionArn, digest) => {
    if (fail) throw new Error('ledger unavailable');
    recorded.push({ requestId, functionArn, digest });
  };
  return { recorded, record };
}

describe('failed-invocation records', () => {
  it("records a failed request under Lambda's request id, the unqualified function and the event as it arrived, then rethrows", async () => {
    const { recorded, record } = recorder();
    // The event as Lambda delivered it: parsing drops the unknown key, the digest must not.
    const event = { image: 'base', 'detail-type': 'Scheduled Build', extra: 1 };
    const handler = handlerFor({
      name: 'start-builds',
      parse: z.object({ image: z.string() }),
      recordFailure: record,
      handle: async () => {
        throw new Error('ServiceUnavailable');
      },
    });

    await expect(handler(event, context)).rejects.toThrow('ServiceUnavailable');

    expect(recorded).toEqual([
      {
        requestId: 'req-1',
        functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:goldsmith-prod-StartBuilds',
        digest: payloadDigest(event),
      },
    ]);
  });

  it('records nothing when the body returns, or for a handler that is not invoked asynchronously', async () => {
    const { recorded, record } = recorder();
    const ok = handlerFor({ name: 'health', parse: z.object({}), recordFailure: record, handle: async () => 'ok' });
    await expect(ok({}, context)).resolves.toBe('ok');
    const task = handlerFor({
      name: 'gate',
      parse: z.object({}),
      handle: async () => {
        throw new Error('refused');
      },
    });
    await expect(task({}, context)).rejects.toThrow('refused');
    expect(recorded).toEqual([]);
  });

  it('fails with the original error when the record cannot be written', async () => {
    const { record } = recorder(true);
    const handler = handlerFor({
      name: 'start-builds',
      parse: z.object({}),
      recordFailure: record,
      handle: async () => {
        throw new Error('ServiceUnavailable');
      },
    });
    await expect(handler({}, context)).rejects.toThrow('ServiceUnavailable');
  });
});
