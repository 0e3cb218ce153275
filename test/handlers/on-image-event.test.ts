import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetImageCommand, ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineageHoldOf } from '../../aws/lifecycle/lineage-holds.js';
import { MalformedEventError } from '../../core/errors.js';
import { executionNameFor } from '../../core/promotion/naming.js';
import { onImageEvent } from '../../functions/on-image-event.js';
import { mockClient } from '../helpers/mock-client.js';
import { BUILD_ARN, basePlan, catalog, getImageOutput, stateChangeEvent } from './promotion-fixtures.js';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:promotion';

describe('onImageEvent', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const imagebuilder = mockClient(ImagebuilderClient);
  const sfn = mockClient(SFNClient);
  const sns = mockClient(SNSClient);

  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    ddb.on(UpdateCommand).resolves({});
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  afterEach(() => {
    ddb.reset();
    imagebuilder.reset();
    sfn.reset();
    sns.reset();
  });

  it('starts one promotion for an AVAILABLE build, with the plan and a name derived from the build ARN', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    const result = await onImageEvent(stateChangeEvent('AVAILABLE'));

    expect(result).toEqual({
      action: 'promotion-started',
      image: 'base',
      version: '1.0.0/3',
      executionName: executionNameFor(BUILD_ARN),
    });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input).toEqual({
      image: 'base',
      buildVersionArn: BUILD_ARN,
      version: '1.0.0/3',
      plan: basePlan,
      schemaVersion: 2,
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' },
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'AVAILABLE', ':seen': new Set(['AVAILABLE']) }),
    });
  });

  it('writes the finished build its cost estimate, once, from the times the ledger kept', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    ddb.on(UpdateCommand, { Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' }, ReturnValues: 'ALL_NEW' }).resolves({
      Attributes: {
        requestedAt: '2027-01-14T03:00:00.000Z',
        buildingAt: '2027-01-14T03:05:00.000Z',
        instancesStoppedAt: '2027-01-14T03:35:00.000Z',
      },
    });

    await onImageEvent(stateChangeEvent('AVAILABLE'));

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' },
      UpdateExpression: 'SET cost = if_not_exists(cost, :cost)',
      ExpressionAttributeValues: {
        ':cost': expect.objectContaining({ currency: 'USD', instanceSeconds: 1800, instance: 0.0504, copy: 0.32 }),
      },
    });
  });

  it('writes no cost for a status that is not final', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());

    await onImageEvent(stateChangeEvent('BUILDING'));

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: expect.stringContaining('buildingAt = if_not_exists(buildingAt, :at)'),
    });
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: expect.stringContaining('cost') });
  });

  it('treats a re-delivered AVAILABLE event as done when the execution already exists', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn
      .on(StartExecutionCommand)
      .resolvesOnce({ executionArn: 'arn:exec' })
      .rejectsOnce(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    const first = await onImageEvent(stateChangeEvent('AVAILABLE'));
    const second = await onImageEvent(stateChangeEvent('AVAILABLE'));

    expect(first.action).toBe('promotion-started');
    expect(second.action).toBe('promotion-already-started');
    const names = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    expect(new Set(names).size).toBe(1);
  });

  it("announces a FAILED build with Image Builder's reason and never promotes it", async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput('FAILED', 'component update-linux failed'));

    const result = await onImageEvent(stateChangeEvent('FAILED', 'component update-linux failed'));

    expect(result).toMatchObject({
      action: 'announced-failure',
      status: 'FAILED',
      reason: 'component update-linux failed',
    });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Message: expect.stringContaining('component update-linux failed'),
      MessageAttributes: expect.objectContaining({ event: { DataType: 'String', StringValue: 'build-failed' } }),
    });
  });

  describe('the build circuit breaker', () => {
    const breakerKey = { pk: 'IMAGE#base', sk: 'BREAKER' };
    const threeFailed = ['1.0.0/1', '1.0.0/2', '1.0.0/3'].map((v) => ({ sk: `BUILD#${v}`, status: 'FAILED' }));
    const trippedItem = {
      ...breakerKey,
      state: 'tripped',
      trippedAt: '2027-01-14T04:00:00.000Z',
      trippedBy: '1.0.0/3',
      failedBuilds: ['1.0.0/1', '1.0.0/2', '1.0.0/3'],
      threshold: 3,
    };
    const pausedAnnouncements = () =>
      sns
        .commandCalls(PublishCommand)
        .filter((c) => c.args[0].input.MessageAttributes?.event?.StringValue === 'builds-paused');

    it('pauses builds on the third failed build in a row, with a conditional write, and announces it once', async () => {
      imagebuilder.on(GetImageCommand).resolves(getImageOutput('FAILED', 'component update-linux failed'));
      ddb.on(QueryCommand).resolves({ Items: [{ sk: 'BUILD#1.0.0/0', status: 'AVAILABLE' }, ...threeFailed] });
      ddb.on(GetCommand, { Key: breakerKey }).resolvesOnce({}).resolves({ Item: trippedItem });

      await onImageEvent(stateChangeEvent('FAILED', 'component update-linux failed'));

      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
        Key: breakerKey,
        ConditionExpression: 'attribute_not_exists(#state) OR #state = :resumed',
        ExpressionAttributeValues: expect.objectContaining({
          ':by': '1.0.0/3',
          ':failed': ['1.0.0/1', '1.0.0/2', '1.0.0/3'],
          ':threshold': 3,
        }),
      });
      expect(pausedAnnouncements()).toHaveLength(1);
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
        Key: breakerKey,
        UpdateExpression: 'SET announcedAt = if_not_exists(announcedAt, :at)',
      });
    });

    it('trips nothing and announces nothing when a concurrent delivery already tripped and announced it', async () => {
      imagebuilder.on(GetImageCommand).resolves(getImageOutput('FAILED', 'component update-linux failed'));
      ddb.on(QueryCommand).resolves({ Items: threeFailed });
      ddb
        .on(GetCommand, { Key: breakerKey })
        .resolvesOnce({})
        .resolves({ Item: { ...trippedItem, announcedAt: 'x' } });
      ddb
        .on(UpdateCommand, { Key: breakerKey })
        .rejects(new ConditionalCheckFailedException({ message: 'tripped', $metadata: {} }));

      await onImageEvent(stateChangeEvent('FAILED', 'component update-linux failed'));

      expect(pausedAnnouncements()).toHaveLength(0);
    });

    it('does not trip below the threshold: two failures after a success', async () => {
      imagebuilder.on(GetImageCommand).resolves(getImageOutput('FAILED', 'component update-linux failed'));
      ddb.on(QueryCommand).resolves({ Items: [{ sk: 'BUILD#1.0.0/1', status: 'AVAILABLE' }, ...threeFailed.slice(1)] });

      await onImageEvent(stateChangeEvent('FAILED', 'component update-linux failed'));

      expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { Key: breakerKey });
      expect(pausedAnnouncements()).toHaveLength(0);
    });
  });

  it('announces a re-delivered CANCELLED build only once', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput('CANCELLED', 'cancelled by user'));
    // The ledger remembers the announcement once it was published.
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: {} })
      .resolves({ Item: { announcedAt: '2027-01-14T04:00:00Z' } });

    await onImageEvent(stateChangeEvent('CANCELLED', 'cancelled by user'));
    await onImageEvent(stateChangeEvent('CANCELLED', 'cancelled by user'));

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'SET announcedAt = :at' });
  });

  it('keeps the announcement for redelivery, and still handles the build, when SNS fails', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput('FAILED', 'component failed'));
    ddb.on(GetCommand).resolves({ Item: {} });
    ddb.on(PutCommand).resolves({});
    sns.on(PublishCommand).rejects(new Error('SNS unavailable'));

    const result = await onImageEvent(stateChangeEvent('FAILED', 'component failed'));

    expect(result).toMatchObject({ action: 'announced-failure', status: 'FAILED' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        pk: 'NOTIFY#UNDELIVERED',
        kind: 'undelivered-notification',
        notification: expect.objectContaining({ event: 'build-failed', image: 'base', version: '1.0.0/3' }),
      }),
    });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('announces an AVAILABLE build once, its re-delivery meeting the claim of the first announcement', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn
      .on(StartExecutionCommand)
      .resolvesOnce({ executionArn: 'arn:exec' })
      .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    // The announcement's claim (aws/notifications/announcement-ledger.ts): the second delivery finds it published.
    ddb
      .on(UpdateCommand, { Key: { pk: 'NOTIFY#SENT' } }, false)
      .resolvesOnce({})
      .resolves({ Attributes: { publishedAt: '2027-01-14T05:00:00Z' } });

    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await onImageEvent(stateChangeEvent('AVAILABLE'));

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({ event: { DataType: 'String', StringValue: 'image-available' } }),
    });
  });

  it('records a TESTING status for the gate without starting anything', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput('TESTING'));

    const result = await onImageEvent(stateChangeEvent('TESTING', undefined, 'BUILDING'));

    expect(result).toEqual({ action: 'recorded', image: 'base', version: '1.0.0/3', status: 'TESTING' });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('ignores builds of pipelines that are not ours', async () => {
    const foreign = getImageOutput();
    foreign.image.sourcePipelineArn = 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/someone-else';
    foreign.image.tags = { 'goldsmith:image': 'not-in-catalog' };
    imagebuilder.on(GetImageCommand).resolves(foreign);

    const result = await onImageEvent(stateChangeEvent('AVAILABLE'));

    expect(result.action).toBe('ignored');
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('rejects a malformed event without acting on it', async () => {
    const broken = { ...stateChangeEvent('AVAILABLE'), resources: ['not-an-arn'] };

    await expect(onImageEvent(broken)).rejects.toBeInstanceOf(MalformedEventError);
    expect(imagebuilder).not.toHaveReceivedCommand(GetImageCommand);
  });

  it('records the parent build its channel pointer named as lineage', async () => {
    const child = getImageOutput();
    child.image.sourcePipelineArn = 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/goldsmith-hardened';
    imagebuilder.on(GetImageCommand).resolves(child);
    ddb.on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'CHANNEL#staging' } }).resolves({ Item: { version: '1.0.0/2' } });
    sfn.on(StartExecutionCommand).resolves({});

    await onImageEvent(stateChangeEvent('AVAILABLE'));

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#hardened', sk: 'BUILD#1.0.0/3' },
      ExpressionAttributeValues: expect.objectContaining({
        ':parent': { image: 'base', channel: 'staging', buildVersion: '1.0.0/2' },
      }),
    });
  });

  it("reads the parent's pointer history once per build: a later status finds the lineage recorded and leaves it", async () => {
    const child = getImageOutput('TESTING');
    child.image.sourcePipelineArn = 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/goldsmith-hardened';
    imagebuilder.on(GetImageCommand).resolves(child);
    const parent = { image: 'base', channel: 'staging', buildVersion: '1.0.0/2' };
    ddb.on(UpdateCommand).resolves({ Attributes: { status: 'TESTING', parent } });

    await onImageEvent(stateChangeEvent('TESTING'));

    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression).not.toContain('parent');
  });

  it('records no parent for an image without one, in the status write', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput('TESTING'));

    await onImageEvent(stateChangeEvent('TESTING'));

    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' },
      ExpressionAttributeValues: expect.objectContaining({ ':parent': null }),
    });
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });

  describe("a child whose first event is handled after its parent's revocation rolled the pointer back", () => {
    // base 1.0.0/2 reached staging before hardened 1.0.0/3 was created (BUILD_CREATED, 08:15); revoked at 12:00,
    // staging rolled back to 1.0.0/1, which the pointer names now.
    const changes = (rollback: { to: string | null }) => {
      ddb
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'POINTER#staging#' } })
        .resolves({
          Items: [
            { at: '2027-02-20T07:00:00.000Z', version: '1.0.0/1' },
            { at: '2027-02-27T07:00:00.000Z', version: '1.0.0/2' },
          ],
        });
      ddb
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'ROLLBACK#staging#' } })
        .resolves({
          Items: [{ at: '2027-02-27T12:00:00.000Z', from: '1.0.0/2', ...rollback }],
        });
    };
    const recordedParent = () =>
      ddb
        .commandCalls(UpdateCommand)
        .map((c) => c.args[0].input.ExpressionAttributeValues?.[':parent'])
        .find((p) => p !== undefined);

    beforeEach(() => {
      const child = getImageOutput('BUILDING');
      child.image.sourcePipelineArn = 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/goldsmith-hardened';
      imagebuilder.on(GetImageCommand).resolves(child);
      ddb
        .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'CHANNEL#staging' } })
        .resolves({ Item: { version: '1.0.0/1' } });
      ddb.on(BatchGetCommand).resolves({
        Responses: {
          ledger: [{ pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/2', state: 'revoked', reason: 'CVE-2027-0001' }],
        },
      });
    });

    it('records the revoked version it was built on, and so is held', async () => {
      changes({ to: '1.0.0/1' });

      await onImageEvent(stateChangeEvent('BUILDING', undefined, 'PENDING'));

      const parent = recordedParent();
      expect(parent).toEqual({ image: 'base', channel: 'staging', buildVersion: '1.0.0/2' });
      // Not flagged yet: the Gate flags it when it stops it (functions/promotion/held.ts).
      await expect(lineageHoldOf('hardened', '1.0.0/3', { parent })).resolves.toEqual({
        reason: 'built on revoked base 1.0.0/2',
        unflagged: true,
      });
    });

    it('records the parent version as unknown, and so is held, when no move of the pointer is recorded before it was created', async () => {
      changes({ to: null });
      ddb
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'POINTER#staging#' } })
        .resolves({
          Items: [{ at: '2027-02-28T07:00:00.000Z', version: '1.0.0/2' }],
        });

      await onImageEvent(stateChangeEvent('BUILDING', undefined, 'PENDING'));

      const parent = recordedParent();
      expect(parent).toMatchObject({
        image: 'base',
        channel: 'staging',
        unknown: expect.stringContaining('parent version unknown'),
      });
      await expect(lineageHoldOf('hardened', '1.0.0/3', { parent })).resolves.toEqual({
        reason: expect.stringMatching(/^parent version unknown: no move of base\/staging/),
      });
    });
  });
});
