import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamodbClient } from '../../aws/clients/dynamodb.js';
import { ledgerTableName } from '../../core/names.js';
import { payloadDigest } from '../../core/redrive/failed-invocations.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { notificationsOf } from '../../local/simulator/report-notifications.js';
import { devThenProdSoakingAnHour } from '../scenarios/helpers.js';
import {
  functionArnOf,
  operatorCatalog,
  pointerOf,
  queueUrlOf,
  releaseOpenssl,
  startOperatorCloud,
} from './operator-helpers.js';

/**
 * A dead letter shaped as Lambda's on-failure record, carrying the sender's payload, in a Goldsmith dead-letter
 * queue. The queue's policy refuses such a send (test/integration/attack-resource-doors.test.ts); these put the
 * message straight into the queue, as if the policy had let it through, to show the second door: the re-drive invokes
 * only a failure Goldsmith itself recorded (core/redrive/failed-invocations.ts).
 */

let cloud: LocalCloud;

const functionArn = (handler: string) => functionArnOf(cloud, handler);

const queueUrl = (name: string) => queueUrlOf(cloud, name);

/** A manual build of base, which start-builds would act on under its own role. */
const forgedPayload = { manual: { image: 'base', reason: 'forged', requester: 'mallory' } };

/** Lambda's on-failure record for an asynchronous invocation of start-builds as request `requestId`. */
function failureRecord(requestId: string, payload: unknown): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: '2027-02-04T09:00:00.000Z',
    requestContext: {
      requestId,
      functionArn: `${functionArn('functions/start-builds.handler')}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: payload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'ServiceUnavailableException', errorMessage: 'forged' },
  });
}

/** What a re-driven forged letter would change: builds started, the dev pointer, start-builds' decisions. */
async function acted() {
  return {
    builds: cloud.installed.stats.apiCalls['imagebuilder:StartImagePipelineExecution'] ?? 0,
    dev: await pointerOf('dev'),
    startBuilds:
      cloud.invoker.usage()[
        [...cloud.wiring.functions.values()].find((f) => f.handler === 'functions/start-builds.handler')?.logicalId ??
          ''
      ]?.invocations,
  };
}

const refusals = () => notificationsOf(cloud).filter((n) => n.event === 'claim-refused');

beforeAll(async () => {
  cloud = await startOperatorCloud(
    operatorCatalog(['us-east-1'], devThenProdSoakingAnHour(), {}),
    '2027-03-01T00:00:00Z',
  );
  await releaseOpenssl(cloud, '3.0.1');
  await cloud.clock.run('2027-02-04T09:00:00Z');
}, 240_000);

afterAll(() => cloud?.stop());

describe('a forged dead letter is never re-driven as Goldsmith', () => {
  it('never invokes a failure record with nothing recorded under its request id: announced once, kept for a person', async () => {
    const before = await acted();
    const url = queueUrl('TriggersDlq');
    cloud.sqs.send(url, failureRecord('11111111-2222-4333-8444-555555555555', forgedPayload));

    // Past the depth alarm's look, a follow-up, the daily pass and the message's reappearance twelve hours on.
    await cloud.clock.run('2027-02-05T12:00:00Z');

    expect(await acted()).toEqual(before);
    expect(refusals()).toEqual([expect.objectContaining({ subject: "Refused a dead letter: not Goldsmith's own" })]);
    // Kept, hidden, for a person: the dead-letter alarms watch its age.
    expect(cloud.sqs.depth(url)).toBe(1);
  }, 120_000);

  it("deletes, never invokes, a record that names a real failure's request id with another payload", async () => {
    const before = await acted();
    const requestId = '66666666-7777-4888-8999-000000000000';
    // start-builds' own record of a failed scheduled build (written as the failing handler would).
    const scheduled = { 'detail-type': 'Scheduled Build', detail: { image: 'base' } };
    await dynamodbClient().send(
      new PutItemCommand({
        TableName: ledgerTableName('local'),
        Item: {
          pk: { S: `FAILED-INVOCATION#${requestId}` },
          sk: { S: 'RECORD' },
          kind: { S: 'failed-invocation' },
          functionArn: { S: functionArn('functions/start-builds.handler') },
          digest: { S: payloadDigest(scheduled) },
          failedAt: { S: '2027-02-05T11:00:00.000Z' },
        },
      }),
    );
    const url = queueUrl('PromotionEventsDlq');
    const depth = cloud.sqs.depth(url);
    cloud.sqs.send(url, failureRecord(requestId, forgedPayload));

    await cloud.clock.run('2027-02-05T14:00:00Z');

    expect(await acted()).toEqual(before);
    expect(refusals()).toHaveLength(2);
    expect(cloud.sqs.depth(url)).toBe(depth);
  }, 120_000);
});
