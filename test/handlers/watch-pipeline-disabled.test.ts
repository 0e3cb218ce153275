import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/on-pipeline-disabled.js';
import { mockClient } from '../helpers/mock-client.js';
import { envelope, PIPELINE_ARN_PREFIX } from './start-builds-events.js';

const context = { functionName: 'on-pipeline-disabled', awsRequestId: 'req-1' } as Context;

function disabled(pipelineArn: string) {
  return {
    ...envelope('aws.imagebuilder', 'EC2 Image Builder Image Pipeline Automatically Disabled', {
      'consecutive-failures': '3',
    }),
    resources: [pipelineArn],
  };
}

describe('on-pipeline-disabled handler', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const sns = mockClient(SNSClient);

  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.PIPELINE_ARN_PREFIX = PIPELINE_ARN_PREFIX;
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:goldsmith-notify';
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  afterEach(() => {
    ddb.reset();
    sns.reset();
  });

  it('records the event and publishes a critical notification with filterable attributes', async () => {
    await handler(disabled(`${PIPELINE_ARN_PREFIX}base`), context);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: 'IMAGE#base', event: 'pipeline-disabled', consecutiveFailures: 3 }),
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:goldsmith-notify',
      MessageAttributes: {
        event: { DataType: 'String', StringValue: 'pipeline-disabled' },
        image: { DataType: 'String', StringValue: 'base' },
        severity: { DataType: 'String', StringValue: 'critical' },
      },
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { ExpressionAttributeValues: { ':true': true } });
  });

  it('does not notify twice when the event is re-delivered after a notification', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { notified: true } });

    await handler(disabled(`${PIPELINE_ARN_PREFIX}base`), context);

    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('notifies on retry when the first attempt recorded the event but failed to publish', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { notified: false } });

    await handler(disabled(`${PIPELINE_ARN_PREFIX}base`), context);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('ignores a pipeline that is not one of ours', async () => {
    await handler(disabled('arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/someone-else'), context);

    expect(ddb.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });
});
