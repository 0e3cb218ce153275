import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  ImagebuilderClient,
  ListImagePipelineImagesCommand,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MalformedEventError } from '../../core/errors.js';
import { clientTokenFor } from '../../core/triggers/dedupe.js';
import { handler } from '../../functions/start-builds.js';
import { mockClient } from '../helpers/mock-client.js';
import { AL2023, triggerCatalog } from '../unit/triggers/fixtures.js';
import { amiUpdateNotice, codeArtifactEvent, PIPELINE_ARN_PREFIX } from './start-builds-events.js';

const context = { functionName: 'start-builds', awsRequestId: 'req-1' } as Context;
const BUILD_ARN = 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/4';
const patchDay = { image: 'base', window: '2027-01-14T03:00:00Z' };

describe('start-builds handler', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const imagebuilder = mockClient(ImagebuilderClient);
  const ssm = mockClient(SSMClient);
  const sns = mockClient(SNSClient);

  beforeEach(() => {
    // The clock stands a minute after the patch window opened: the schedule's firing, not a claim on a later one.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2027-01-14T03:01:00Z') });
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:notify';
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    process.env.LEDGER_TABLE = 'ledger';
    process.env.PIPELINE_ARN_PREFIX = PIPELINE_ARN_PREFIX;
    process.env.GOLDSMITH_CATALOG = JSON.stringify(triggerCatalog());
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    imagebuilder.on(ListImagePipelineImagesCommand).resolves({ imageSummaryList: [] });
    imagebuilder.on(StartImagePipelineExecutionCommand).resolves({ imageBuildVersionArn: BUILD_ARN });
  });

  afterEach(() => {
    vi.useRealTimers();
    ddb.reset();
    imagebuilder.reset();
    ssm.reset();
    sns.reset();
  });

  const refusals = () =>
    sns
      .commandCalls(PublishCommand)
      .filter((c) => c.args[0].input.MessageAttributes?.event?.StringValue === 'claim-refused');

  it("refuses a scheduled build dated to next month's patch window: nothing claimed, built or recorded", async () => {
    const result = await handler({ image: 'base', window: '2027-02-09T03:00:00Z' }, context);

    expect(result).toEqual({ decisions: [] });
    expect(imagebuilder).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    // The only write is the announcement's own delivery record: no intent, marker or decision.
    const written = ddb.commandCalls(UpdateCommand).map((c) => String(c.args[0].input.Key?.pk));
    expect(written.filter((pk) => !pk.startsWith('NOTIFY#'))).toEqual([]);
    expect(refusals()).toHaveLength(1);
  });

  it('refuses a scheduled build whose window is older than the retry horizon', async () => {
    const result = await handler({ image: 'base', window: '2027-01-12T03:00:00Z' }, context);

    expect(result).toEqual({ decisions: [] });
    expect(imagebuilder).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(refusals()).toHaveLength(1);
  });

  const decisionPuts = () =>
    ddb.commandCalls(PutCommand).filter((call) => String(call.args[0].input.Item?.sk).startsWith('DECISION#'));

  it('starts the pipeline with the client token of the patch window when the schedule fires on the patch day', async () => {
    await handler(patchDay, context);

    expect(imagebuilder).toHaveReceivedCommandTimes(StartImagePipelineExecutionCommand, 1);
    expect(imagebuilder).toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      imagePipelineArn: `${PIPELINE_ARN_PREFIX}base`,
      clientToken: clientTokenFor('patch:base:2027-01'),
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'ledger',
      Item: expect.objectContaining({ pk: 'CHANGE#patch:base:2027-01', sk: 'MARKER', state: 'claimed' }),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/4' },
    });
    expect(decisionPuts()[0]?.args[0].input.Item).toMatchObject({
      outcome: 'start',
      trigger: 'schedule',
      buildVersionArn: BUILD_ARN,
    });
  });

  it('starts no build of an image whose builds are paused, and records and says why', async () => {
    ddb.on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'BREAKER' } }).resolves({
      Item: {
        state: 'tripped',
        trippedAt: '2027-01-10T00:00:00.000Z',
        trippedBy: '1.0.0/3',
        failedBuilds: ['1.0.0/1', '1.0.0/2', '1.0.0/3'],
        threshold: 3,
      },
    });

    const result = await handler(patchDay, context);

    expect(imagebuilder).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
    expect(ddb).not.toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ sk: 'MARKER' }) });
    expect(result.decisions).toEqual([
      {
        image: 'base',
        outcome: 'skip',
        reason:
          'builds paused: the last 3 builds failed in a row (1.0.0/1, 1.0.0/2, 1.0.0/3; paused 2027-01-10T00:00:00.000Z); an operator resumes them with goldsmith resume base --builds',
      },
    ]);
    expect(decisionPuts()[0]?.args[0].input.Item).toMatchObject({
      outcome: 'skip',
      reason: expect.stringMatching(/^builds paused/),
    });
  });

  it('sends nothing to Image Builder when a re-delivered event loses the marker put', async () => {
    ddb.on(PutCommand).callsFake((input: { Item?: { sk?: string } }) => {
      if (input.Item?.sk === 'MARKER') {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      }
      return {};
    });

    const result = await handler(patchDay, context);

    expect(imagebuilder).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
    expect(result.decisions).toEqual([
      { image: 'base', outcome: 'skip', reason: 'patch:base:2027-01 was claimed concurrently by another delivery' },
    ]);
    expect(decisionPuts()[0]?.args[0].input.Item).toMatchObject({ outcome: 'skip' });
  });

  it('skips without claiming when the marker says the window already started', async () => {
    ddb.on(GetCommand, { Key: { pk: 'CHANGE#patch:base:2027-01', sk: 'MARKER' } }).resolves({
      Item: { state: 'started', changeId: 'base-image:us-east-1:x=ami-1', claimedAt: '2027-01-13T09:00:00Z' },
    });

    await handler(patchDay, context);

    expect(imagebuilder).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
    expect(ddb).not.toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ sk: 'MARKER' }) });
  });

  it('resumes a claimed marker with the same client token after a crash', async () => {
    ddb.on(GetCommand, { Key: { pk: 'CHANGE#patch:base:2027-01', sk: 'MARKER' } }).resolves({
      Item: { state: 'claimed', changeId: 'schedule:base@2027-01-14T03:00:00Z', claimedAt: '2027-01-14T03:00:01Z' },
    });

    await handler(patchDay, context);

    expect(imagebuilder).toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      clientToken: clientTokenFor('patch:base:2027-01'),
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'CHANGE#patch:base:2027-01', sk: 'MARKER' },
      ExpressionAttributeValues: { ':started': 'started', ':arn': BUILD_ARN },
    });
  });

  it('skips and names the running build when the pipeline is already building', async () => {
    imagebuilder.on(ListImagePipelineImagesCommand).resolves({
      imageSummaryList: [
        {
          arn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/3',
          state: { status: 'BUILDING' },
        },
        {
          arn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/2',
          state: { status: 'AVAILABLE' },
        },
      ],
    });

    const result = await handler(patchDay, context);

    expect(imagebuilder).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
    expect(result.decisions).toEqual([{ image: 'base', outcome: 'skip', reason: 'already building 1.0.0/3' }]);
  });

  it('reads the parameter and builds on the new AMI when an Amazon Linux notice arrives', async () => {
    // The notice is handled a minute after it was sent (2027-01-20T09:00), as SNS delivers it.
    vi.setSystemTime(new Date('2027-01-20T09:01:00Z'));
    ssm
      .on(GetParametersCommand)
      .resolves({ Parameters: [{ Name: AL2023, Value: 'ami-0123456789abcdef0', Version: 42 }] });

    await handler(amiUpdateNotice(), context);

    expect(ssm).toHaveReceivedCommandWith(GetParametersCommand, { Names: [AL2023] });
    expect(imagebuilder).toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      imagePipelineArn: `${PIPELINE_ARN_PREFIX}base`,
      clientToken: clientTokenFor(`base-image:base:${AL2023}=ami-0123456789abcdef0`),
    });
    expect(imagebuilder).toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      imagePipelineArn: `${PIPELINE_ARN_PREFIX}tools`,
      clientToken: clientTokenFor(`base-image:tools:${AL2023}=ami-0123456789abcdef0`),
    });
  });

  it('starts only the topmost image for a published CodeArtifact package and records the children waiting', async () => {
    const result = await handler(codeArtifactEvent('openssl', '3.0.16'), context);

    expect(imagebuilder).toHaveReceivedCommandTimes(StartImagePipelineExecutionCommand, 1);
    expect(imagebuilder).toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      clientToken: clientTokenFor('package:base:openssl@3.0.16'),
    });
    expect(result.decisions.map((d) => `${d.image}:${d.outcome}`)).toEqual(['base:start', 'hardened:skip', 'app:skip']);
    expect(decisionPuts()).toHaveLength(3);
  });

  it('does nothing for a package version that is not published', async () => {
    const result = await handler(codeArtifactEvent('openssl', '3.0.16', 'Unfinished'), context);

    expect(result.decisions).toEqual([]);
    expect(imagebuilder).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('rejects a malformed event before any AWS call', async () => {
    await expect(handler({ image: 'base', window: 'yesterday' }, context)).rejects.toBeInstanceOf(MalformedEventError);
    await expect(handler({ hello: 'world' }, context)).rejects.toThrow('not an event start-builds knows');
    expect(imagebuilder.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });
});
