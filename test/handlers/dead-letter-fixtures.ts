import type { Message } from '@aws-sdk/client-sqs';

/** The re-drive tests' world: the triggers' dead-letter queue, the function it re-drives, and the re-drive itself. */
export const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111122223333/goldsmith-prod-TriggersDlq';
export const START_BUILDS = 'arn:aws:lambda:us-east-1:111122223333:function:goldsmith-prod-StartBuilds';
export const SELF = 'arn:aws:lambda:us-east-1:111122223333:function:goldsmith-prod-RedriveDeadLetters';
export const NOW = new Date('2027-01-14T12:00:00Z');

/**
 * The re-drive's environment as the stack writes it (stacks/monitoring/redrive.ts): the queues' URL prefix and the
 * targets' ARN prefix once, then the names alone.
 */
export function setRedriveEnv(queues: readonly string[], targets: readonly string[] = [START_BUILDS]): void {
  const split = (values: readonly string[], separator: string) => {
    const cut = (values[0] ?? '').lastIndexOf(separator) + 1;
    return [values[0]?.slice(0, cut) ?? '', values.map((v) => v.slice(cut)).join(',')] as const;
  };
  [process.env.DEAD_LETTER_QUEUE_PREFIX, process.env.DEAD_LETTER_QUEUES] = split(queues, '/');
  [process.env.REDRIVE_TARGET_PREFIX, process.env.REDRIVE_TARGETS] = split(targets, ':');
}
/** What the dead-lettered invocation was given (with its number `n`). */
export const payload = { 'detail-type': 'Scheduled Build', detail: { image: 'base' } };

/** A dead letter as Lambda's on-failure destination writes it (the Lambda developer guide's record). */
export function deadLetter(n: number, errorType = 'ServiceUnavailableException', target = START_BUILDS): Message {
  return {
    MessageId: `m-${n}`,
    ReceiptHandle: `receipt-${n}`,
    Body: JSON.stringify({
      version: '1.0',
      timestamp: '2027-01-14T03:03:00.000Z',
      requestContext: {
        requestId: `r-${n}`,
        functionArn: `${target}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: { ...payload, n },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType, errorMessage: 'down' },
    }),
    Attributes: { SentTimestamp: String(Date.parse('2027-01-14T03:03:00Z')) },
  };
}
