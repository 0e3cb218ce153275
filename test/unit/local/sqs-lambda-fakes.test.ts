import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../local/clock.js';
import type { FakeService } from '../../../local/fakes/common.js';
import { LambdaFake } from '../../../local/fakes/lambda.js';
import { SqsFake } from '../../../local/fakes/sqs.js';
import { ACCOUNT, answeredBy, START } from './helpers.js';

const R = 'us-east-1';
const FN = `arn:aws:lambda:${R}:${ACCOUNT}:function:StartBuilds`;

/** A real SDK client whose requests the fake answers (the local cloud's middleware, with SQS's MD5 checks on). */
function wired<C extends SQSClient | LambdaClient>(sdk: C, service: string, fake: FakeService, clock: VirtualClock): C {
  return answeredBy(sdk, service, fake, R, clock);
}

function queue() {
  const clock = new VirtualClock(START);
  const fake = new SqsFake(ACCOUNT, R, () => clock.now());
  const url = fake.createQueue('TriggersDlq', 14 * 86_400);
  const sqs = wired(new SQSClient({ region: R }), 'sqs', fake, clock);
  return { clock, fake, url, sqs };
}

describe('SQS fake (dead-letter queues)', () => {
  it('hides a received message for its visibility timeout, then shows it again with a new receipt handle', async () => {
    const { clock, fake, url, sqs } = queue();
    fake.send(url, '{"work":1}', { ERROR_CODE: 'THROTTLING' });

    const first = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    const hidden = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await clock.run(Date.parse(START) + 61_000);
    const again = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );

    expect(first.Messages?.[0]).toMatchObject({
      Body: '{"work":1}',
      MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'THROTTLING' } },
    });
    expect(hidden.Messages ?? []).toEqual([]);
    expect(again.Messages?.[0]?.ReceiptHandle).not.toBe(first.Messages?.[0]?.ReceiptHandle);
    expect(again.Messages?.[0]?.Attributes).toEqual({ ApproximateReceiveCount: '2' });
  });

  it('deletes only with the latest receipt handle; an older one succeeds and deletes nothing', async () => {
    const { clock, fake, url, sqs } = queue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const old = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1 }))).Messages?.[0];
    await clock.run(Date.parse(START) + 2_000);
    const latest = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0];

    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: old?.ReceiptHandle }));
    expect(fake.depth(url)).toBe(1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: latest?.ReceiptHandle }));
    expect(fake.depth(url)).toBe(0);
    await expect(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'made-up' }))).rejects.toMatchObject(
      {
        name: 'ReceiptHandleIsInvalid',
      },
    );
  });

  it('returns at most ten messages a receive, and none past the retention period', async () => {
    const { clock, fake, url, sqs } = queue();
    for (let i = 0; i < 12; i++) fake.send(url, String(i));

    const taken = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    await clock.run(Date.parse(START) + 15 * 86_400_000);

    expect(taken.Messages).toHaveLength(10);
    expect(fake.depth(url)).toBe(0);
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl: `${url}-gone` }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
  });
});

describe('Lambda fake (asynchronous Invoke)', () => {
  it('queues an Event invocation of one of our functions with its payload and answers 202', async () => {
    const clock = new VirtualClock(START);
    const invoked: { arn: string; payload: unknown }[] = [];
    const fake = new LambdaFake(
      (name) => (name === FN || name === 'StartBuilds' ? FN : undefined),
      (arn, payload) => invoked.push({ arn, payload }),
    );
    const lambda = wired(new LambdaClient({ region: R }), 'lambda', fake, clock);

    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: 'StartBuilds',
        InvocationType: 'Event',
        Payload: new TextEncoder().encode('{"a":1}'),
      }),
    );

    expect(out.StatusCode).toBe(202);
    expect(invoked).toEqual([{ arn: FN, payload: { a: 1 } }]);
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: 'nobody', InvocationType: 'Event' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
