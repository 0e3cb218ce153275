import { InvokeCommand, LambdaClient, ServiceException } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_PER_QUEUE, redriveDeadLetters } from '../../functions/redrive-dead-letters.js';
import { catalog } from './promotion-fixtures.js';

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111122223333/goldsmith-prod-TriggersDlq';
const START_BUILDS = 'arn:aws:lambda:us-east-1:111122223333:function:goldsmith-prod-StartBuilds';
const NOW = new Date('2027-01-14T12:00:00Z');
const payload = { 'detail-type': 'Scheduled Build', detail: { image: 'base' } };

/** A dead letter as Lambda's on-failure destination writes it (the Lambda developer guide's record). */
function deadLetter(n: number, errorType = 'ServiceUnavailableException', target = START_BUILDS): Message {
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

describe('redriveDeadLetters', () => {
  const sqs = mockClient(SQSClient);
  const lambda = mockClient(LambdaClient);
  const ddb = mockClient(DynamoDBDocumentClient);

  const queueHolds = (messages: Message[]) => {
    let rest = [...messages];
    sqs.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages?: number }) => {
      const taken = rest.slice(0, input.MaxNumberOfMessages ?? 1);
      rest = rest.slice(taken.length);
      return { Messages: taken };
    });
  };

  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    process.env.DEAD_LETTER_QUEUES = QUEUE;
    process.env.REDRIVE_TARGETS = START_BUILDS;
    sqs.on(DeleteMessageCommand).resolves({});
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    ddb.on(GetCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
  });

  afterEach(() => {
    sqs.reset();
    lambda.reset();
    ddb.reset();
  });

  it('invokes a transiently failed invocation again, asynchronously, with its payload, then deletes it', async () => {
    queueHolds([deadLetter(1)]);

    const report = await redriveDeadLetters(NOW);

    expect(report).toEqual({
      redriven: ['goldsmith-prod-StartBuilds: ServiceUnavailableException'],
      left: [],
      failed: [],
    });
    const invoke = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(invoke).toMatchObject({ FunctionName: START_BUILDS, InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(invoke?.Payload as Uint8Array))).toEqual({ ...payload, n: 1 });
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageCommand, { QueueUrl: QUEUE, ReceiptHandle: 'receipt-1' });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'REDRIVE', sk: expect.any(String) },
      ExpressionAttributeValues: expect.objectContaining({ ':first': '2027-01-14T03:03:00.000Z', ':one': 1 }),
    });
  });

  it('leaves permanent failures, functions that are not ours, and work failing past the retry horizon', async () => {
    queueHolds([
      deadLetter(1, 'MalformedEventError'),
      deadLetter(2, 'ServiceUnavailableException', 'arn:aws:lambda:us-east-1:111122223333:function:someone-else'),
      deadLetter(3),
    ]);
    ddb.on(GetCommand).resolves({
      Item: { firstDeadLetteredAt: '2027-01-13T02:00:00.000Z', lastRedriveAt: '2027-01-14T03:00:00.000Z', redrives: 8 },
    });

    const report = await redriveDeadLetters(NOW);

    expect(report.redriven).toEqual([]);
    expect(report.left).toEqual([
      expect.stringContaining('MalformedEventError is permanent'),
      expect.stringContaining('is not a Goldsmith function'),
      expect.stringContaining('still failing after the retry horizon'),
    ]);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
  });

  it('keeps a dead letter whose re-drive Lambda refused, for the next run', async () => {
    queueHolds([deadLetter(1)]);
    lambda.on(InvokeCommand).rejects(new ServiceException({ message: 'internal error', $metadata: {} }));

    const report = await redriveDeadLetters(NOW);

    expect(report.failed).toEqual([expect.stringContaining('ServiceException')]);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
  });

  it('takes at most a hundred messages a queue per run, ten at a time', async () => {
    queueHolds(Array.from({ length: 150 }, (_, i) => deadLetter(i)));

    const report = await redriveDeadLetters(NOW);

    expect(report.redriven).toHaveLength(MAX_PER_QUEUE);
    const asks = sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages);
    expect(asks).toEqual(Array(10).fill(10));
  });
});
