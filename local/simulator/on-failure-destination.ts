import type { DeadLetter } from './invoke.js';

/**
 * Lambda's on-failure destination record for an asynchronous invocation that failed every retry
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html): `requestContext.requestId` is
 * the request the handler saw, which it recorded as failed before it threw.
 */
export function destinationRecord(letter: DeadLetter) {
  return {
    version: '1.0',
    timestamp: letter.at,
    requestContext: {
      requestId: letter.requestId,
      functionArn: `${letter.target}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: letter.event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: letter.errorType, errorMessage: letter.errorMessage, trace: [] },
  };
}
