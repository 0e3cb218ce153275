import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DescribeImageAttributeCommand, DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetImageCommand, ImagebuilderClient, ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetApprovalSecret } from '../../aws/approval-secret.js';
import { approvalIdFor, verifyApprovalLink } from '../../core/promotion/approval-link.js';
import { gate } from '../../functions/promotion/gate.js';
import { loadImage } from '../../functions/promotion/load-image.js';
import { recordFailureOutcome } from '../../functions/promotion/record-outcome.js';
import { requestApproval } from '../../functions/promotion/request-approval.js';
import { soakCheck } from '../../functions/promotion/soak-check.js';
import { AMIS, BUILD_ARN, basePlan, catalog, channelItem, getImageOutput } from './promotion-fixtures.js';

// One mock per client for the whole file: mockClient stubs the client prototype.
const ddb = mockClient(DynamoDBDocumentClient);
const imagebuilder = mockClient(ImagebuilderClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
const ec2 = mockClient(EC2Client);

const SEEN = { Item: { statusesSeen: new Set(['BUILDING', 'TESTING', 'AVAILABLE']) } };

beforeEach(() => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  // RecordOutcome re-reads the build's launch permissions: none in force, no snapshots.
  ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [] });
  ec2.on(DescribeImagesCommand).resolves({ Images: [{}] });
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  imagebuilder.on(GetImageCommand).resolves(getImageOutput());
  imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [] });
  sns.on(PublishCommand).resolves({});
});

afterEach(() => {
  for (const m of [ddb, imagebuilder, sns, secrets, ec2]) m.reset();
});

describe('loadImage', () => {
  it('reads the AMI of every distribution region from GetImage', async () => {
    const loaded = await loadImage({ image: 'base', buildVersionArn: BUILD_ARN, version: '1.0.0/3', plan: basePlan });

    // base has retention.deprecateAfter 90d: the deprecation time its AMIs were given comes back too.
    expect(loaded).toEqual({
      status: 'AVAILABLE',
      testsEnabled: true,
      amis: AMIS,
      containers: [],
      deprecateAt: '2027-05-28T08:15:20.000Z',
    });
  });

  it('fails a build with neither AMIs nor container images rather than promoting nothing', async () => {
    const empty = getImageOutput();
    empty.image.outputResources.amis = [];
    imagebuilder.on(GetImageCommand).resolves(empty);

    await expect(
      loadImage({ image: 'base', buildVersionArn: BUILD_ARN, version: '1.0.0/3', plan: basePlan }),
    ).rejects.toThrow(/has neither AMIs nor container images/);
  });

  it('loads a container build with its image per distribution region, for the channels to promote', async () => {
    const uris = [
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/golden/web:1.0.0-3',
      '111122223333.dkr.ecr.eu-west-1.amazonaws.com/golden/web:1.0.0-3',
    ];
    const { image } = getImageOutput();
    imagebuilder.on(GetImageCommand).resolves({
      image: {
        ...image,
        outputResources: {
          amis: [],
          containers: uris.map((u, i) => ({ region: i === 0 ? 'us-east-1' : 'eu-west-1', imageUris: [u] })),
        },
      },
    });

    const loaded = await loadImage({ image: 'base', buildVersionArn: BUILD_ARN, version: '1.0.0/3', plan: basePlan });

    expect(loaded.amis).toEqual([]);
    expect(loaded.containers).toEqual([
      { region: 'us-east-1', imageUri: uris[0] },
      { region: 'eu-west-1', imageUri: uris[1] },
    ]);
  });
});

describe('gate', () => {
  const stagingPromoted = () =>
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'PROMOTION#1.0.0/3#staging' } })
      .resolves({ Item: { outcome: 'promoted' } });

  it('passes a tested build with no findings', async () => {
    ddb.on(GetCommand).resolves(SEEN);

    await expect(gate(channelItem('dev'))).resolves.toMatchObject({ passed: true });
  });

  it('enters a channel only after the one before it was promoted', async () => {
    ddb.on(GetCommand).resolves(SEEN);
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'PROMOTION#1.0.0/3#staging' } })
      .resolves({ Item: { outcome: 'rejected' } });

    await expect(gate(channelItem('prod'))).resolves.toEqual({ skipped: true, reason: 'staging was not promoted' });
    expect(imagebuilder).not.toHaveReceivedCommand(ListImageScanFindingsCommand);

    stagingPromoted();
    await expect(gate(channelItem('prod'))).resolves.toMatchObject({ passed: true });
  });

  it('passes a channel a paused execution of the same build already decided, without asking anything', async () => {
    ddb.on(GetCommand).resolves(SEEN);
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'PROMOTION#1.0.0/3#dev' } })
      .resolves({ Item: { outcome: 'promoted' } });

    await expect(gate(channelItem('dev'))).resolves.toEqual({ skipped: true, reason: 'dev already promoted' });
    expect(imagebuilder).not.toHaveReceivedCommand(ListImageScanFindingsCommand);
  });

  it('throws GateRejected naming the breach when scan findings exceed the channel policy', async () => {
    ddb.on(GetCommand).resolves(SEEN);
    stagingPromoted();
    imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [{ severity: 'HIGH' }] });

    await expect(gate(channelItem('prod'))).rejects.toMatchObject({
      name: 'GateRejected',
      message: "1 high findings exceed the channel's maximum of 0",
    });
  });

  it('reads every page of scan findings', async () => {
    ddb.on(GetCommand).resolves(SEEN);
    imagebuilder
      .on(ListImageScanFindingsCommand)
      .resolvesOnce({
        findings: [{ severity: 'HIGH' }, { severity: 'HIGH' }, { severity: 'HIGH' }],
        nextToken: 'page-2',
      })
      .resolves({ findings: [{ severity: 'HIGH' }, { severity: 'HIGH' }, { severity: 'HIGH' }] });

    // dev allows 5 high findings: only both pages together break it.
    await expect(gate(channelItem('dev'))).rejects.toMatchObject({ message: /^6 high findings/ });
    expect(imagebuilder).toHaveReceivedCommandWith(ListImageScanFindingsCommand, {
      filters: [{ name: 'imageBuildVersionArn', values: [BUILD_ARN] }],
      nextToken: 'page-2',
    });
  });

  it('passes a tested AVAILABLE build whose TESTING event never arrived (events may be lost)', async () => {
    ddb.on(GetCommand).resolves({ Item: { statusesSeen: new Set(['AVAILABLE']) } });

    await expect(gate(channelItem('dev'))).resolves.toMatchObject({ passed: true });
  });

  it('rejects a build whose tests were not enabled', async () => {
    await expect(
      gate({ ...channelItem('dev'), build: { ...channelItem('dev').build, testsEnabled: false } }),
    ).rejects.toMatchObject({
      name: 'GateRejected',
      message: 'image tests are not enabled for this build',
    });
  });
});

describe('soakCheck', () => {
  it('aborts when the build was revoked during the soak', async () => {
    ddb.on(GetCommand).resolves({ Item: { reason: 'CVE-2027-0001 in openssl' } });

    await expect(soakCheck(channelItem('dev'))).rejects.toMatchObject({
      name: 'SoakAborted',
      message: 'revoked during soak: CVE-2027-0001 in openssl',
    });
  });

  it('aborts when findings recorded since the gate exceed the policy', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ severity: 'CRITICAL' }] });

    await expect(soakCheck(channelItem('dev'))).rejects.toMatchObject({ name: 'SoakAborted' });
  });

  it('lets a quiet soak continue', async () => {
    await expect(soakCheck(channelItem('dev'))).resolves.toMatchObject({ passed: true });
  });
});

describe('recordFailureOutcome', () => {
  it('records and announces a rejection once, with its reason', async () => {
    const result = await recordFailureOutcome({
      ...channelItem('staging'),
      failure: { Error: 'GateRejected', Cause: JSON.stringify({ errorMessage: '3 high findings' }) },
    });

    expect(result).toEqual({ outcome: 'rejected', reason: '3 high findings', channel: 'staging' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(sk)' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('announces nothing when the decision was already recorded (a retry)', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));

    await recordFailureOutcome({ ...channelItem('dev'), failure: { Error: 'States.Timeout' } });

    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it("records a top-level failure against the plan's first channel", async () => {
    const result = await recordFailureOutcome({
      image: 'base',
      version: '1.0.0/3',
      plan: basePlan,
      failure: { Error: 'States.TaskFailed', Cause: 'boom' },
    });

    expect(result).toMatchObject({ outcome: 'aborted', channel: 'dev' });
  });
});

describe('requestApproval', () => {
  const SECRET = 'q'.repeat(64);
  const payload = {
    taskToken: `TOKEN-${'t'.repeat(900)}`,
    image: 'base',
    version: '1.0.0/3',
    channel: 'prod',
    approvers: ['ops-lead', 'security-reviewer'],
    timeoutSeconds: 259_200,
  };

  beforeEach(() => {
    process.env.APPROVAL_URL = 'https://approve.example/';
    process.env.APPROVAL_SECRET_NAME = 'goldsmith/test/approval-links';
    resetApprovalSecret();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
  });

  it('stores the long token in the ledger; the team gets no link, each approver only their own', async () => {
    process.env.APPROVAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:goldsmith-test-approval-links';
    const { approvalId } = await requestApproval(payload);

    expect(approvalId).toBe(approvalIdFor(payload.taskToken));
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'APPROVAL#1.0.0/3#prod', taskToken: payload.taskToken }),
    });
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    for (const p of published) expect(p.Message).not.toContain(payload.taskToken);
    // The team's announcement (the notifications topic): who decides and how, no link (before: 4 links, 2 each).
    const team = published.filter((p) => p.TopicArn !== process.env.APPROVAL_TOPIC_ARN);
    expect(team).toHaveLength(1);
    expect(team[0]?.Message).not.toMatch(/https:\/\/approve\.example/);
    // Each approver's own message, on the approval-links topic, filtered by the `approver` attribute.
    const own = published.filter((p) => p.TopicArn === process.env.APPROVAL_TOPIC_ARN);
    expect(own.map((p) => p.MessageAttributes?.approver?.StringValue)).toEqual(['ops-lead', 'security-reviewer']);
    for (const p of own) {
      const approver = p.MessageAttributes?.approver?.StringValue;
      const email = (JSON.parse(p.Message ?? '{}') as { email: string }).email;
      const links = email.match(/https:\/\/approve\.example\/\S+/g) ?? [];
      expect(links).toHaveLength(2);
      for (const link of links) {
        const params = Object.fromEntries(new URL(link).searchParams.entries());
        expect(params.by).toBe(approver);
        expect(verifyApprovalLink(params, SECRET, Math.floor(Date.now() / 1000)).ok).toBe(true);
      }
    }
  });

  it('refuses to overwrite another pending request for the same build and channel', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { approvalId: 'another-request-id', expiresAt: '2027-01-01T00:00:00Z' } });

    await expect(requestApproval(payload)).rejects.toMatchObject({ name: 'AlreadyDecidedError' });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });
});
