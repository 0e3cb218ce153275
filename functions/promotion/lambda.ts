import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { logger, metrics, tracer } from '../lib/powertools.js';

/**
 * Wraps a task's plain `(input) => output` function for Lambda with the Powertools chain (metrics, logger context,
 * tracer). The plain function stays exported for tests and for the local simulator, which calls it in-process.
 * Errors propagate: Step Functions must see them to Retry or Catch.
 */
export function taskHandler<I, O>(task: (input: I) => Promise<O>) {
  return middy<I, O>()
    .use(logMetrics(metrics))
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer))
    .handler((event) => task(event));
}
