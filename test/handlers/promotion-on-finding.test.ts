import { readFileSync } from 'node:fs';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetImageCommand, ImagebuilderClient, ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../core/errors.js';
import { onFinding } from '../../functions/on-finding.js';
import { BUILD_ARN, catalog, getImageOutput } from './promotion-fixtures.js';

const ddb = mockClient(DynamoDBDocumentClient);
const imagebuilder = mockClient(ImagebuilderClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);

const AMI = 'ami-0aaa1111bbbb2222c';

/** AWS's "Inspector2 Finding" sample, re-aimed at an instance launched from one of our AMIs. */
function inspectorFinding(severity: string, status = 'ACTIVE') {
  const sample = JSON.parse(
    readFileSync(new URL('../../events/samples/inspector-finding.json', import.meta.url), 'utf8'),
  );
  sample.detail.severity = severity;
  sample.detail.status = status;
  sample.detail.resources[0].details.awsEc2Instance.imageId = AMI;
  return sample;
}

const promotedTo = (...channels: string[]) => ({
  Items: channels.map((channel) => ({ channel, outcome: 'promoted', version: '1.0.0/3' })),
});

describe('onFinding', () => {
  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    ddb.on(PutCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ec2
      .on(DescribeImagesCommand)
      .resolves({ Images: [{ ImageId: AMI, Tags: [{ Key: 'Ec2ImageBuilderArn', Value: BUILD_ARN }] }] });
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [] });
    sns.on(PublishCommand).resolves({});
  });

  afterEach(() => {
    for (const m of [ddb, imagebuilder, ec2, sns]) m.reset();
  });

  it('records a finding on one of our builds under FINDINGS#, keyed by the vulnerability', async () => {
    const result = await onFinding(inspectorFinding('MEDIUM'));

    expect(result).toEqual({ action: 'recorded', image: 'base', version: '1.0.0/3', findings: 1 });
    const item = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item?.sk).toMatch(/^FINDINGS#1\.0\.0\/3#/);
    expect(item).toMatchObject({ severity: 'MEDIUM', source: 'inspector2' });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('requests and announces a revocation when a promoted build breaks its channel policy', async () => {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'PROMOTION#1.0.0/3#' } })
      .resolves(promotedTo('dev', 'staging'));
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'FINDINGS#1.0.0/3#' } })
      .resolves({
        Items: [{ severity: 'CRITICAL' }],
      });

    const result = await onFinding(inspectorFinding('CRITICAL'));

    expect(result).toMatchObject({ revocation: { channels: ['dev', 'staging'] } });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'REVOCATION#1.0.0/3', state: 'requested' }),
      ConditionExpression: 'attribute_not_exists(sk)',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({ severity: { DataType: 'String', StringValue: 'critical' } }),
    });
  });

  it('announces a re-delivered finding only once', async () => {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'PROMOTION#1.0.0/3#' } })
      .resolves(promotedTo('dev'));
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'FINDINGS#1.0.0/3#' } })
      .resolves({
        Items: [{ severity: 'CRITICAL' }],
      });
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk.startsWith('REVOCATION#'))
        throw new ConditionalCheckFailedException({ message: 'x', $metadata: {} });
      return {};
    });

    await onFinding(inspectorFinding('CRITICAL'));

    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('ignores closed findings and AMIs that Image Builder did not make', async () => {
    expect((await onFinding(inspectorFinding('CRITICAL', 'CLOSED'))).action).toBe('ignored');
    ec2.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: AMI, Tags: [] }] });
    expect((await onFinding(inspectorFinding('CRITICAL'))).action).toBe('ignored');
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('records an Image Builder CVE scan as one finding per counted slot', async () => {
    const result = await onFinding({
      version: '0',
      id: 'cve-1',
      'detail-type': 'EC2 Image Builder CVE Detected',
      source: 'aws.imagebuilder',
      account: '111122223333',
      time: '2027-01-19T00:00:00Z',
      region: 'us-east-1',
      resources: [BUILD_ARN],
      detail: {
        'resource-id': 'i-0123456789abcdef0',
        'finding-severity-counts': { all: 3, critical: 1, high: 2, medium: 0 },
      },
    });

    expect(result).toMatchObject({ action: 'recorded', findings: 3 });
    const keys = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.sk);
    expect(keys).toEqual([
      'FINDINGS#1.0.0/3#imagebuilder-scan:critical:1',
      'FINDINGS#1.0.0/3#imagebuilder-scan:high:1',
      'FINDINGS#1.0.0/3#imagebuilder-scan:high:2',
    ]);
  });

  it('rejects an event that is neither kind', async () => {
    await expect(onFinding({ source: 'aws.ec2' })).rejects.toBeInstanceOf(MalformedEventError);
  });
});
