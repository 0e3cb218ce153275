import { readFileSync } from 'node:fs';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  EC2Client,
  EnableImageDeprecationCommand,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetImageCommand, ImagebuilderClient, ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients.js';
import { MalformedEventError } from '../../core/errors.js';
import { onFinding } from '../../functions/on-finding.js';
import { batchGetThroughGetMocks } from '../helpers/batch-get-mock.js';
import { BUILD_ARN, catalog, getImageOutput } from './promotion-fixtures.js';

const ddb = mockClient(DynamoDBDocumentClient);
const imagebuilder = mockClient(ImagebuilderClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const bus = mockClient(EventBridgeClient);
const ssm = mockClient(SSMClient);

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

/** The ledger's answers for base 1.0.0/3: promoted to `channels`, with one CRITICAL finding recorded. */
function criticalOn(...channels: string[]): void {
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'PROMOTION#1.0.0/3#' } })
    .resolves({ Items: channels.map((channel) => ({ channel, outcome: 'promoted', version: '1.0.0/3' })) });
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'FINDINGS#1.0.0/3#' } })
    .resolves({ Items: [{ severity: 'CRITICAL' }] });
}

describe('onFinding', () => {
  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    process.env.EVENT_BUS_NAME = 'goldsmith-test';
    ddb.on(GetCommand).resolves({});
    batchGetThroughGetMocks(ddb, documentClient);
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    ddb.on(QueryCommand).resolves({ Items: [] });
    ec2
      .on(DescribeImagesCommand)
      .resolves({ Images: [{ ImageId: AMI, Tags: [{ Key: 'Ec2ImageBuilderArn', Value: BUILD_ARN }] }] });
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [] });
    sns.on(PublishCommand).resolves({});
  });

  afterEach(() => {
    for (const m of [ddb, imagebuilder, ec2, sns, bus, ssm]) m.reset();
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
    criticalOn('dev', 'staging');

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
    criticalOn('dev');
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk.startsWith('REVOCATION#'))
        throw new ConditionalCheckFailedException({ message: 'x', $metadata: {} });
      return {};
    });

    await onFinding(inspectorFinding('CRITICAL'));

    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('rebuilds the image out of cycle, once, when a channel pointer names the version the finding hits', async () => {
    criticalOn('dev', 'staging');
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'CHANNEL#staging' } })
      .resolves({ Item: { channel: 'staging', version: '1.0.0/3' } });

    const result = await onFinding(inspectorFinding('CRITICAL'));

    expect(result).toMatchObject({ rebuilt: true, revoked: false });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'OUTOFCYCLE#1.0.0/3', channels: ['dev', 'staging'] }),
      ConditionExpression: 'attribute_not_exists(sk)',
    });
    const entry = bus.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ EventBusName: 'goldsmith-test', DetailType: 'Image Rebuild Requested' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({ image: 'base', requestId: 'finding:1.0.0/3' });
    // start-builds announces the build it starts; on-finding announces the breach.
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({
        event: { DataType: 'String', StringValue: 'revocation-requested' },
      }),
    });
  });

  it('asks for no rebuild when no pointer names the version any more', async () => {
    criticalOn('dev');

    const result = await onFinding(inspectorFinding('CRITICAL'));

    expect(result).toMatchObject({ rebuilt: false, revoked: false });
    expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it("revokes at once when the breached channel's revokeOn names the severity found", async () => {
    const strict = {
      ...catalog,
      channels: catalog.channels.map((c) =>
        c.name === 'dev' ? { ...c, vulnerabilities: { ...c.vulnerabilities, revokeOn: ['critical'] } } : c,
      ),
    };
    process.env.GOLDSMITH_CATALOG = JSON.stringify(strict);
    criticalOn('dev');
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'BUILD#' } })
      .resolves({ Items: [{ sk: 'BUILD#1.0.0/3', buildVersionArn: BUILD_ARN, status: 'AVAILABLE' }] });
    ec2.on(EnableImageDeprecationCommand).resolves({ Return: true });
    const devGrant = { OrganizationalUnitArn: 'arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/ou-x1y2-dev00001' };
    ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [devGrant] });
    ec2.on(ModifyImageAttributeCommand).resolves({});

    const result = await onFinding(inspectorFinding('CRITICAL'));

    expect(result).toMatchObject({ revoked: true });
    // Launchable by no one any more, in every region the build was distributed to.
    expect(ec2).toHaveReceivedCommandTimes(ModifyImageAttributeCommand, 2);
    expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, { LaunchPermission: { Remove: [devGrant] } });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/3' },
      ConditionExpression: 'attribute_not_exists(revokedAt)',
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({ event: { DataType: 'String', StringValue: 'revoked' } }),
    });
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
