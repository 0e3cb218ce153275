import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordFailedInvocation } from '../../aws/redrive/failed-invocations.js';
import { payloadDigest } from '../../core/redrive/failed-invocations.js';
import { redriveDeadLetters } from '../../functions/redrive-dead-letters.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { deadLetter, NOW, payload, QUEUE, SELF, START_BUILDS, setRedriveEnv } from './dead-letter-fixtures.js';
import { catalog } from './promotion-fixtures.js';

/**
 * redrive-dead-letters failed after its effect and before its record: Lambda took the invocation made again, and
 * the run ended (its function timed out) before it deleted the dead letter, which SQS then shows again. The ledger is
 * dynalite; SQS is a mock whose queue keeps a message until it is deleted (a later look comes after its visibility
 * timeout), Lambda a mock that counts the invocations it took.
 */

const dynamo = useLocalDynamo();
const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const scheduler = mockClient(SchedulerClient);
const HOUR = 3_600_000;
/** StartBuilds' invocation, failed transiently and dead-lettered. */
const DEAD_LETTER = deadLetter(1);

let queue: Message[];
/** Messages received in this look: hidden until its end (a later look comes after their visibility timeout). */
let hidden: Set<string>;
let receives: number;
let deleteTimesOut: boolean;

beforeEach(async () => {
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  process.env.LEDGER_TABLE = 'ledger';
  // StartBuilds recorded its failed request, as the one middy chain does: the re-drive invokes only such failures.
  await recordFailedInvocation('r-1', START_BUILDS, payloadDigest({ ...payload, n: 1 }), NOW);
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  setRedriveEnv([QUEUE]);
  process.env.REDRIVE_SCHEDULE_GROUP = 'goldsmith-prod-redrive';
  process.env.REDRIVE_SCHEDULER_ROLE_ARN = 'arn:aws:iam::111122223333:role/follow-up';
  queue = [DEAD_LETTER];
  receives = 0;
  deleteTimesOut = false;
  hidden = new Set();
  // One look takes each message once (each receive gives it a new receipt handle); a later look sees what is left.
  sqs.on(ReceiveMessageCommand).callsFake(() => {
    const next = queue.filter((m) => !hidden.has(m.MessageId ?? ''));
    for (const m of next) hidden.add(m.MessageId ?? '');
    return { Messages: next.map((m) => ({ ...m, ReceiptHandle: `${m.MessageId}#${++receives}` })) };
  });
  sqs.on(DeleteMessageCommand).callsFake((input: { ReceiptHandle: string }) => {
    if (deleteTimesOut) {
      deleteTimesOut = false;
      throw Object.assign(new Error('the function timed out before deleting'), { name: 'FunctionTimedOut' });
    }
    queue = queue.filter((m) => m.MessageId !== input.ReceiptHandle.split('#')[0]);
    return {};
  });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  scheduler
    .on(CreateScheduleCommand)
    .resolves({ ScheduleArn: 'arn:aws:scheduler:us-east-1:111122223333:schedule/goldsmith-prod-redrive/look' });
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
});

afterEach(() => {
  sqs.reset();
  lambda.reset();
  scheduler.reset();
});

describe('redrive-dead-letters failed after Lambda took the invocation, before the dead letter was deleted', () => {
  it.each([
    ['the next look, past the hour between re-drives', 2 * HOUR],
    ['the next look, within that hour', 10 * 60_000],
  ])('%s deletes the dead letter without re-driving its work again', async (_when, later) => {
    deleteTimesOut = true;
    await expect(redriveDeadLetters({ redrive: 'dead-letters' }, SELF, NOW)).rejects.toThrow(/timed out/);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
    expect(queue).toHaveLength(1);
    hidden.clear(); // the message shows again: its visibility timeout has passed

    const retry = await redriveDeadLetters(
      { redrive: 'queue', queue: 'goldsmith-prod-TriggersDlq' },
      SELF,
      new Date(NOW.getTime() + later),
    );

    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
    expect(queue).toEqual([]);
    expect(retry).toMatchObject({
      redriven: [],
      finished: ['goldsmith-prod-StartBuilds: ServiceUnavailableException'],
    });
  });
});
