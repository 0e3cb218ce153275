import { randomUUID } from 'node:crypto';
import type { DeadLetter } from './invoke.js';

/**
 * Lambda's on-failure destination record for an asynchronous invocation that failed every retry
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
export function destinationRecord(letter: DeadLetter) {
  return {
    version: '1.0',
    timestamp: letter.at,
    requestContext: {
      requestId: randomUUID(),
      functionArn: `${letter.target}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: letter.event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: letter.errorType, errorMessage: letter.errorMessage, trace: [] },
  };
}
