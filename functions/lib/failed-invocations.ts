import type { MiddlewareObj } from '@middy/core';
import { unqualified } from '../../core/redrive/dead-letters.js';
import { payloadDigest } from '../../core/redrive/failed-invocations.js';
import { logger } from './powertools.js';

/** Writes the ledger's record of one failed request (aws/redrive/failed-invocations.ts `recordFailedInvocation`). */
export type FailureRecorder = (requestId: string, functionArn: string, digest: string, now: Date) => Promise<void>;

/**
 * For a handler invoked asynchronously (its failures end in an on-failure destination the re-drive reads): when the
 * body throws, records the request as Goldsmith's own failure (`FAILED-INVOCATION#<requestId>`: the function and the
 * digest of the event as it arrived, before parsing) and rethrows. Lambda's on-failure record carries the same
 * request id and payload (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html), and
 * the re-drive invokes a dead letter again only when they match this record (core/redrive/failed-invocations.ts).
 * Whether Lambda's retries share one request id is not documented: every failed attempt records its own.
 * A record that cannot be written (the ledger is down) is logged; the invocation fails as it would have.
 */
export function failedInvocationMiddleware(name: string, record: FailureRecorder): MiddlewareObj {
  // Keyed by the request: the local cloud runs several invocations of one module at once.
  const digests = new WeakMap<object, string>();
  return {
    name: 'goldsmith-failed-invocations',
    before: (request) => {
      digests.set(request, payloadDigest(request.event));
    },
    onError: async (request) => {
      const { awsRequestId, invokedFunctionArn } = request.context ?? {};
      // Lambda always gives both; an invocation without them (a direct call) leaves no dead letter to match.
      if (!awsRequestId || !invokedFunctionArn) return;
      try {
        const digest = digests.get(request) ?? payloadDigest(request.event);
        await record(awsRequestId, unqualified(invokedFunctionArn), digest, new Date());
      } catch (error) {
        logger.error('failed invocation not recorded: its dead letter will wait for a person', {
          handler: name,
          requestId: awsRequestId,
          error,
        });
      }
    },
  };
}
