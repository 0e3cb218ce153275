import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetImageCommand, ImagebuilderClient, ListImagePackagesCommand } from '@aws-sdk/client-imagebuilder';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onImageEvent } from '../../functions/on-image-event.js';
import { mockClient } from '../helpers/mock-client.js';
import { BUILD_ARN, catalog, getImageOutput, stateChangeEvent } from './promotion-fixtures.js';

const DEDUPE_KEY = 'package:base:openssl@3.0.99';
const MARKER = { pk: `CHANGE#${DEDUPE_KEY}`, sk: 'MARKER' };

describe('onImageEvent: a package release counts as built only once the build holds it', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const imagebuilder = mockClient(ImagebuilderClient);
  const sfn = mockClient(SFNClient);
  const sns = mockClient(SNSClient);

  /** The announcements published, as subscribers read them. */
  const published = (): { event: string; id: string; detail: object }[] =>
    sns.commandCalls(PublishCommand).map((c) => JSON.parse(JSON.parse(c.args[0].input.Message ?? '{}').default));

  const buildStartedBy = (trigger: string, dedupeKey: string) =>
    ddb.on(UpdateCommand, { Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' }, ReturnValues: 'ALL_NEW' }).resolves({
      Attributes: { trigger, dedupeKey, requestedAt: '2027-02-27T08:15:20.000Z' },
    });
  const holds = (version: string) =>
    imagebuilder.on(ListImagePackagesCommand).resolves({
      imagePackageList: [
        { packageName: 'bash', packageVersion: '5.2.15-1.amzn2023.0.2' },
        { packageName: 'openssl', packageVersion: version },
      ],
    });

  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:promotion';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    ddb.on(UpdateCommand).resolves({});
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  afterEach(() => {
    ddb.reset();
    imagebuilder.reset();
    sfn.reset();
    sns.reset();
  });

  it('gives back the claim of an announced version the build does not hold and announces it, still promoting', async () => {
    buildStartedBy('package', DEDUPE_KEY);
    holds('1:3.0.8-1.amzn2023.0.18');

    const result = await onImageEvent(stateChangeEvent('AVAILABLE'));

    expect(result.action).toBe('promotion-started');
    expect(imagebuilder).toHaveReceivedCommandWith(ListImagePackagesCommand, { imageBuildVersionArn: BUILD_ARN });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: MARKER,
      ConditionExpression: '#state = :started AND buildVersionArn = :arn',
      ExpressionAttributeValues: expect.objectContaining({ ':released': 'released', ':arn': BUILD_ARN }),
    });
    const refused = published().filter((n) => n.event === 'claim-refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.detail).toEqual({
      claim: 'package-release',
      found: 'openssl 3.0.99 announced; build 1.0.0/3 holds openssl 1:3.0.8-1.amzn2023.0.18',
      reason: expect.stringContaining(`its claim (${DEDUPE_KEY}) was given back`),
    });
  });

  it('keeps the claim when the build holds the announced version or a newer one', async () => {
    buildStartedBy('package', DEDUPE_KEY);
    holds('1:3.0.100-1.amzn2023.0.1');

    await onImageEvent(stateChangeEvent('AVAILABLE'));

    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { Key: MARKER });
    expect(published().map((n) => n.event)).not.toContain('claim-refused');
  });

  it('checks nothing for a build another kind of change started', async () => {
    buildStartedBy('schedule', 'patch:base:2027-02');

    await onImageEvent(stateChangeEvent('AVAILABLE'));

    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { Key: MARKER });
    expect(published().map((n) => n.event)).not.toContain('claim-refused');
  });

  it('announces with the same id when a retry finds the claim already given back', async () => {
    buildStartedBy('package', DEDUPE_KEY);
    holds('1:3.0.8-1.amzn2023.0.18');
    ddb
      .on(UpdateCommand, { Key: MARKER })
      .resolvesOnce({})
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await onImageEvent(stateChangeEvent('AVAILABLE'));

    const ids = published()
      .filter((n) => n.event === 'claim-refused')
      .map((n) => n.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
  });
});
