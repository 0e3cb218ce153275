import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DescribeImageAttributeCommand, DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetImageCommand, ImagebuilderClient, ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
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
import { resetApprovalSecret } from '../../aws/promotion/approval-secret.js';
import {
  approvalIdFor,
  linkNonceDigest,
  linkNonceFor,
  verifyApprovalLink,
} from '../../core/promotion/approval-link.js';
import { openTaskToken } from '../../core/promotion/task-token-seal.js';
import { gate } from '../../functions/promotion/gate.js';
import { loadImage } from '../../functions/promotion/load-image.js';
import { recordFailureOutcome } from '../../functions/promotion/record-outcome.js';
import { requestApproval } from '../../functions/promotion/request-approval.js';
import { soakCheck } from '../../functions/promotion/soak-check.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  AMIS,
  BUILD_ARN,
  basePlan,
  catalog,
  channelItem,
  getImageOutput,
  type LedgerFactsOptions,
  ledgerFactsAnswer,
} from './promotion-fixtures.js';

// One mock per client for the whole file: mockClient stubs the client prototype.
const ddb = mockClient(DynamoDBDocumentClient);
const imagebuilder = mockClient(ImagebuilderClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
const ec2 = mockClient(EC2Client);

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
  it('records the build as GetImage gave it on the ledger, where every later step reads it', async () => {
    await loadImage({ image: 'base', buildVersionArn: BUILD_ARN });

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' },
      ConditionExpression: 'attribute_exists(sk)',
      ExpressionAttributeValues: {
        ':loaded': expect.objectContaining({ buildVersionArn: BUILD_ARN, amis: AMIS, status: 'AVAILABLE' }),
      },
    });
  });

  it("refuses a build of any pipeline but the image's own in this account, changing nothing", async () => {
    const foreign = getImageOutput();
    foreign.image.sourcePipelineArn = 'arn:aws:imagebuilder:us-east-1:999999999999:image-pipeline/goldsmith-base';
    imagebuilder.on(GetImageCommand).resolves(foreign);

    await expect(loadImage({ image: 'base', buildVersionArn: BUILD_ARN })).rejects.toMatchObject({
      name: 'PreconditionsUnmet',
    });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ec2).not.toHaveReceivedCommand(DescribeImagesCommand);
  });

  it('refuses a build the ledger never recorded, before any EC2 call', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'absent', $metadata: {} }));

    await expect(loadImage({ image: 'base', buildVersionArn: BUILD_ARN })).rejects.toMatchObject({
      name: 'PreconditionsUnmet',
    });
    expect(ec2).not.toHaveReceivedCommand(DescribeImagesCommand);
  });

  it("deprecates at the catalog's deprecateAfter, whatever plan the input carries", async () => {
    const plan = {
      ...basePlan,
      retention: { deleteAfterSeconds: 0, unpromotedGraceSeconds: 0, deprecateAfterSeconds: 1 },
    };

    const loaded = await loadImage({ image: 'base', buildVersionArn: BUILD_ARN, plan });

    expect(loaded.deprecateAt).toBe('2027-05-28T08:15:20.000Z');
  });

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

/** What the ledger records of the build's channels (test/handlers/promotion-fixtures.ts). */
const facts = (options: LedgerFactsOptions = {}) => ddb.on(BatchGetCommand).callsFake(ledgerFactsAnswer(options));

describe('gate', () => {
  beforeEach(() => facts());

  it('passes a tested build with no findings and records the pass Share and Publish require', async () => {
    await expect(gate(channelItem('dev'))).resolves.toMatchObject({ passed: true });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'GATE#1.0.0/3#dev', findings: expect.objectContaining({ high: 0 }) }),
    });
  });

  it('enters a channel only after the one before it was promoted', async () => {
    facts({ previous: 'rejected' });

    await expect(gate(channelItem('prod'))).resolves.toEqual({ skipped: true, reason: 'staging was not promoted' });
    expect(imagebuilder).not.toHaveReceivedCommand(ListImageScanFindingsCommand);

    facts();
    await expect(gate(channelItem('prod'))).resolves.toMatchObject({ passed: true });
  });

  it('skips, recording nothing, a channel a revoked version never reached; stops the one it reached as revoked', async () => {
    // Revoked during its staging soak: staging records the abort; prod, never reached, records nothing.
    facts({ previous: 'aborted', revocation: { state: 'revoked', reason: 'CVE-2027-0001 in openssl' } });
    await expect(gate(channelItem('prod'))).resolves.toEqual({ skipped: true, reason: 'staging was not promoted' });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);

    facts({ revocation: { state: 'revoked', reason: 'CVE-2027-0001 in openssl' } });
    await expect(gate(channelItem('prod'))).rejects.toMatchObject({ name: 'Revoked' });
  });

  it('passes a channel a paused execution of the same build already decided, without asking anything', async () => {
    facts({ outcome: 'promoted' });

    await expect(gate(channelItem('dev'))).resolves.toEqual({ skipped: true, reason: 'dev already promoted' });
    expect(imagebuilder).not.toHaveReceivedCommand(ListImageScanFindingsCommand);
  });

  it('throws GateRejected naming the breach when scan findings exceed the channel policy', async () => {
    imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [{ severity: 'HIGH' }] });

    await expect(gate(channelItem('prod'))).rejects.toMatchObject({
      name: 'GateRejected',
      message: "1 high finding exceeds the channel's maximum of 0",
    });
  });

  it("holds the catalog's policy, not a more lenient one in its input", async () => {
    imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [{ severity: 'HIGH' }] });
    const item = channelItem('prod');
    const lenient = { ...item, channel: { ...item.channel, policy: { maxCritical: 99, maxHigh: 99 } } };

    await expect(gate(lenient)).rejects.toMatchObject({ name: 'GateRejected' });
    expect(ddb).not.toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'GATE#1.0.0/3#prod' }),
    });
  });

  it('reads every page of scan findings', async () => {
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

  it('rejects a build whose tests were not enabled, as LoadImage read it (not as its input says)', async () => {
    facts({ loaded: { testsEnabled: false } });

    await expect(gate(channelItem('dev'))).rejects.toMatchObject({
      name: 'GateRejected',
      message: 'image tests are not enabled for this build',
    });
  });

  it('refuses a build LoadImage never loaded, or one the ledger knows by another ARN, recording nothing', async () => {
    facts({ loaded: null });
    await expect(gate(channelItem('dev'))).rejects.toMatchObject({ name: 'PreconditionsUnmet' });

    facts({ loaded: { buildVersionArn: BUILD_ARN.replace('/1.0.0/3', '/1.0.0/4') } });
    await expect(gate(channelItem('dev'))).rejects.toMatchObject({ name: 'PreconditionsUnmet' });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });
});

describe('soakCheck', () => {
  beforeEach(() => facts());

  it('aborts when a revocation was requested during the soak', async () => {
    facts({ revocation: { state: 'requested', reason: 'CVE-2027-0001 in openssl' } });

    await expect(soakCheck(channelItem('dev'))).rejects.toMatchObject({
      name: 'SoakAborted',
      message: 'revoked during soak: CVE-2027-0001 in openssl',
    });
  });

  it('stops a build revoked during the soak as revoked', async () => {
    facts({ revocation: { state: 'revoked', reason: 'CVE-2027-0001 in openssl' } });

    await expect(soakCheck(channelItem('dev'))).rejects.toMatchObject({ name: 'Revoked' });
  });

  it('aborts when findings recorded since the gate exceed the policy', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ severity: 'CRITICAL' }] });

    await expect(soakCheck(channelItem('dev'))).rejects.toMatchObject({ name: 'SoakAborted' });
  });

  it('passes a quiet soak that ended, and records the pass', async () => {
    await expect(soakCheck(channelItem('dev'))).resolves.toMatchObject({ passed: true });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'SOAK#1.0.0/3#dev' },
      UpdateExpression: 'SET passedAt = :at',
    });
  });

  it('refuses a soak still running, or never started, recording nothing', async () => {
    facts({ soakUntil: new Date(Date.now() + 3_600_000).toISOString() });
    await expect(soakCheck(channelItem('dev'))).rejects.toMatchObject({ name: 'PreconditionsUnmet' });
    facts({ soak: null });
    await expect(soakCheck(channelItem('dev'))).rejects.toMatchObject({ name: 'PreconditionsUnmet' });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
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

  it('records a rejection with who rejected and why as the ledger records them, not as the failure says', async () => {
    ddb.on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'APPROVAL#1.0.0/3#prod' } }).resolves({
      Item: { decision: 'reject', by: 'security-reviewer', reason: 'kernel regression', approvalId: 'a1' },
    });

    const forged = JSON.stringify({ errorMessage: 'looks fine', by: 'ops-lead' });
    const result = await recordFailureOutcome({
      ...channelItem('prod'),
      failure: { Error: 'Rejected', Cause: forged },
    });

    expect(result).toEqual({ outcome: 'rejected', reason: 'kernel regression', channel: 'prod' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ by: 'security-reviewer' }) });
  });

  it('records a rejection the ledger does not record as aborted, naming it', async () => {
    const forged = JSON.stringify({ errorMessage: 'no', by: 'security-reviewer' });
    const result = await recordFailureOutcome({
      ...channelItem('prod'),
      failure: { Error: 'Rejected', Cause: forged },
    });

    expect(result).toEqual({
      outcome: 'aborted',
      reason: 'a rejection of prod the ledger does not record',
      channel: 'prod',
    });
  });

  it('refuses a channel the catalog does not have, recording nothing', async () => {
    const item = { ...channelItem('dev'), channel: { name: 'everyone' } };

    await expect(recordFailureOutcome({ ...item, failure: { Error: 'States.Timeout' } })).rejects.toMatchObject({
      name: 'PreconditionsUnmet',
    });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('pauses, not decides, a channel whose pointer Parameter Store did not take, saying what to check and how to resume', async () => {
    const cause = JSON.stringify({
      errorType: 'Goldsmith.PointerNotTaken',
      errorMessage: '/goldsmith/base/staging in eu-west-1 still holds ami-0old, not ami-0new: not taken',
    });
    ddb.on(UpdateCommand).resolves({ Attributes: { status: 'paused', resumes: 0 } });
    const result = await recordFailureOutcome({
      ...channelItem('staging'),
      failure: { Error: 'Goldsmith.PointerNotTaken', Cause: cause },
    });

    expect(result.outcome).toBe('paused');
    expect(result.reason).toContain('/goldsmith/base/staging in eu-west-1 still holds ami-0old');
    expect(result.reason).toContain('ec2:DescribeImages');
    expect(result.reason).toContain('goldsmith resume base 1.0.0/3');
    expect(ddb).not.toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ outcome: 'aborted' }) });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
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
    execution: 'arn:aws:states:us-east-1:111122223333:execution:promotion:base-1-0-0-3-0123456789ab',
    image: 'base',
    version: '1.0.0/3',
    channel: 'prod',
  };

  beforeEach(() => {
    facts();
    process.env.APPROVAL_URL = 'https://approve.example/';
    process.env.APPROVAL_SECRET_NAME = 'goldsmith/test/approval-links';
    process.env.TASK_TOKEN_SECRET_NAME = 'goldsmith/test/task-tokens';
    resetApprovalSecret();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
  });

  it('tells the team only the routes the catalog configures: no Slack buttons without Slack', async () => {
    const summaries = async () => {
      sns.resetHistory();
      await requestApproval(payload);
      return sns
        .commandCalls(PublishCommand)
        .map((c) => c.args[0].input)
        .filter((p) => p.TopicArn === process.env.NOTIFY_TOPIC_ARN)
        .map((p) => (JSON.parse(p.Message ?? '{}') as { summary?: string }).summary ?? p.Message);
    };
    const slackRoute = 'press the Slack buttons';
    process.env.APPROVAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:goldsmith-test-approval-links';

    expect((await summaries()).join()).toContain(slackRoute);
    const { slack: _slack, ...withoutSlack } = catalog.notifications;
    process.env.GOLDSMITH_CATALOG = JSON.stringify({ ...catalog, notifications: withoutSlack });
    const told = (await summaries()).join();
    expect(told).toContain(
      'open the approve/reject link sent to you alone, or run `goldsmith approve|reject base prod`',
    );
    expect(told).not.toContain(slackRoute);
  });

  it('stores the long token in the ledger sealed; the team gets no link, each approver only their own', async () => {
    process.env.APPROVAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:goldsmith-test-approval-links';
    const { approvalId } = await requestApproval(payload);

    expect(approvalId).toBe(approvalIdFor(payload.taskToken));
    const item = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item)[0];
    expect(item?.sk).toBe('APPROVAL#1.0.0/3#prod');
    expect(JSON.stringify(item)).not.toContain(payload.taskToken);
    expect(openTaskToken(String(item?.taskToken), [SECRET], `${item?.pk}\n${item?.sk}`)).toBe(payload.taskToken);
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

  it("binds every link to the request's nonce, held in the ledger as a digest and never in the team's announcement", async () => {
    process.env.APPROVAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:goldsmith-test-approval-links';
    await requestApproval(payload);
    await requestApproval({ ...payload, taskToken: `OTHER-${'u'.repeat(900)}` });

    const first = linkNonceFor(payload.taskToken, SECRET);
    const second = linkNonceFor(`OTHER-${'u'.repeat(900)}`, SECRET);
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second).not.toBe(first);
    const items = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(items.map((i) => i?.linkNonceDigests)).toEqual([
      new Set([linkNonceDigest(first, SECRET)]),
      new Set([linkNonceDigest(second, SECRET)]),
    ]);
    for (const item of items) expect(JSON.stringify(item)).not.toContain(first);
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    const team = published.filter((p) => p.TopicArn !== process.env.APPROVAL_TOPIC_ARN);
    for (const p of team) expect(p.Message).not.toContain(first);
    const own = published.filter((p) => p.TopicArn === process.env.APPROVAL_TOPIC_ARN).slice(0, 2);
    expect(own).toHaveLength(2);
    for (const p of own) {
      const email = (JSON.parse(p.Message ?? '{}') as { email: string }).email;
      const links = email.match(/https:\/\/approve\.example\/\S+/g) ?? [];
      expect(links).toHaveLength(2);
      for (const link of links) {
        expect(new URL(link).searchParams.get('nonce')).toBe(first);
      }
    }
  });

  it('refuses to overwrite another pending request for the same build and channel', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { approvalId: 'another-request-id', expiresAt: '2027-01-01T00:00:00Z' } });

    await expect(requestApproval(payload)).rejects.toMatchObject({ name: 'AlreadyDecidedError' });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it("sends links only to the catalog's approvers, whatever the payload names, with Gate's findings", async () => {
    process.env.APPROVAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:goldsmith-test-approval-links';

    await requestApproval({
      ...payload,
      approvers: ['mallory'],
      timeoutSeconds: 31_536_000,
      findings: { critical: 0 },
    });

    const own = sns
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input)
      .filter((p) => p.TopicArn === process.env.APPROVAL_TOPIC_ARN);
    expect(own.map((p) => p.MessageAttributes?.approver?.StringValue)).toEqual(['ops-lead', 'security-reviewer']);
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(put).toMatchObject({ approvers: ['ops-lead', 'security-reviewer'], findings: { critical: 0, high: 0 } });
    // The catalog's 3 days, not the payload's year.
    expect(Date.parse(String(put?.expiresAt)) - Date.now()).toBeLessThanOrEqual(259_200_000);
  });

  it('refuses to ask for approval of a build Gate has not passed, sending nothing', async () => {
    facts({ gate: false });

    await expect(requestApproval(payload)).rejects.toMatchObject({ name: 'PreconditionsUnmet' });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });
});
