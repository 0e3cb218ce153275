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
import {
  GetImageCommand,
  ImagebuilderClient,
  ListImagePackagesCommand,
  ListImageScanFindingsCommand,
} from '@aws-sdk/client-imagebuilder';
import { Inspector2Client, ListFindingsCommand } from '@aws-sdk/client-inspector2';
import { AccountNotFoundException, DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { MalformedEventError } from '../../core/errors.js';
import { onFinding } from '../../functions/on-finding.js';
import { batchGetThroughGetMocks } from '../helpers/batch-get-mock.js';
import { mockClient } from '../helpers/mock-client.js';
import { ACCOUNT, BUILD_ARN, catalog, getImageOutput } from './promotion-fixtures.js';

const ddb = mockClient(DynamoDBDocumentClient);
const imagebuilder = mockClient(ImagebuilderClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const bus = mockClient(EventBridgeClient);
const ssm = mockClient(SSMClient);
const organizations = mockClient(OrganizationsClient);
const inspector = mockClient(Inspector2Client);

/** The findings Inspector holds (what ListFindings answers), by ARN: `deliver` puts each event's finding here. */
const held = new Map<string, unknown>();

/** Inspector holds the event's finding as the event describes it, and sends the event: on-finding reads it back. */
function deliver(event: { detail: { findingArn: string } }) {
  held.set(event.detail.findingArn, structuredClone(event.detail));
  return onFinding(event);
}

const AMI = 'ami-0aaa1111bbbb2222c';

/** AWS's "Inspector2 Finding" sample, re-aimed at an instance launched from one of our AMIs. */
function inspectorFinding(severity: string, status = 'ACTIVE') {
  const sample = JSON.parse(
    readFileSync(new URL('../../events/samples/inspector-finding.json', import.meta.url), 'utf8'),
  );
  sample.detail.severity = severity;
  sample.detail.status = status;
  sample.detail.resources[0].details.awsEc2Instance.imageId = AMI;
  // The AMI's Region: an AMI id means something only in its Region.
  sample.region = 'us-east-1';
  sample.detail.resources[0].region = 'us-east-1';
  // The factory's own instance; each test that plays a member account says so.
  sample.account = ACCOUNT;
  sample.detail.awsAccountId = ACCOUNT;
  return sample;
}

/** The same finding, on an instance of `account` (delivered to the factory as Inspector's delegated administrator). */
function memberFinding(severity: string, account: string, pkg: { name: string; version: string; release?: string }) {
  const sample = inspectorFinding(severity);
  sample.detail.awsAccountId = account;
  sample.detail.findingArn = `arn:aws:inspector2:us-east-1:${account}:finding/f-${pkg.name}`;
  sample.detail.packageVulnerabilityDetails.vulnerablePackages = [{ ...pkg, epoch: 0, packageManager: 'OS' }];
  return sample;
}

/** "EC2 Image Builder CVE Detected" for base 1.0.0/3, sent from `account`, counting `critical` findings. */
function cveDetected(account: string, critical: number) {
  return {
    version: '0',
    id: 'cve-1',
    'detail-type': 'EC2 Image Builder CVE Detected',
    source: 'aws.imagebuilder',
    account,
    time: '2027-01-19T00:00:00Z',
    region: 'us-east-1',
    resources: [BUILD_ARN],
    detail: {
      'resource-id': 'i-0123456789abcdef0',
      'finding-severity-counts': { all: critical, critical, high: 0, medium: 0 },
    },
  };
}

/** base 1.0.0/3's package inventory as recorded when it was built: snapd (the sample's package) and openssl. */
const INVENTORY = 'openssl\t1:3.0.8-1.amzn2023.0.18\nsnapd\t2.63';

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
    // The ledger recorded this very build, and its inventory, when it was built.
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' } })
      .resolves({ Item: { buildVersionArn: BUILD_ARN } });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'INVENTORY#1.0.0/3#' } })
      .resolves({ Items: [{ packages: INVENTORY, part: 0, parts: 1 }] });
    organizations.on(DescribeAccountCommand).resolves({ Account: { Id: '444455556666', State: 'ACTIVE' } });
    ec2
      .on(DescribeImagesCommand)
      .resolves({ Images: [{ ImageId: AMI, Tags: [{ Key: 'Ec2ImageBuilderArn', Value: BUILD_ARN }] }] });
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [] });
    sns.on(PublishCommand).resolves({});
    held.clear();
    inspector.on(ListFindingsCommand).callsFake((input: { filterCriteria?: { findingArn?: { value?: string }[] } }) => {
      const found = held.get(input.filterCriteria?.findingArn?.[0]?.value ?? '');
      return { findings: found ? [found] : [] };
    });
  });

  afterEach(() => {
    for (const m of [ddb, imagebuilder, ec2, sns, bus, ssm, organizations, inspector]) m.reset();
  });

  it('records a finding on one of our builds under FINDINGS#, keyed by the vulnerability', async () => {
    const result = await deliver(inspectorFinding('MEDIUM'));

    expect(result).toEqual({ action: 'recorded', image: 'base', version: '1.0.0/3', findings: 1 });
    const item = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item?.sk).toMatch(/^FINDINGS#1\.0\.0\/3#/);
    expect(item).toMatchObject({ severity: 'MEDIUM', source: 'inspector2' });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('requests and announces a revocation when a promoted build breaks its channel policy', async () => {
    criticalOn('dev', 'staging');

    const result = await deliver(inspectorFinding('CRITICAL'));

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

    await deliver(inspectorFinding('CRITICAL'));

    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('says, on a version restored after a revocation, that no request is recorded and what revokes it again', async () => {
    criticalOn('dev');
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk.startsWith('REVOCATION#'))
        throw new ConditionalCheckFailedException({ message: 'x', $metadata: {} });
      return {};
    });
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/3' } })
      .resolves({ Item: { sk: 'REVOCATION#1.0.0/3', version: '1.0.0/3', state: 'restored' } });

    await deliver(inspectorFinding('CRITICAL'));

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        sk: expect.stringMatching(/^FOUND#1\.0\.0\/3#/),
        done: expect.stringContaining(
          'no revocation requested (dev): it was restored after a revocation: goldsmith revoke base 1.0.0/3 --reason R revokes it again',
        ),
      }),
    });
  });

  it('rebuilds the image out of cycle, once, when a channel pointer names the version the finding hits', async () => {
    criticalOn('dev', 'staging');
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'CHANNEL#staging' } })
      .resolves({ Item: { channel: 'staging', version: '1.0.0/3' } });

    const result = await deliver(inspectorFinding('CRITICAL'));

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

    const result = await deliver(inspectorFinding('CRITICAL'));

    expect(result).toMatchObject({ rebuilt: false, revoked: false });
    expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it("revokes at once when the breached channel's revokeOn names the severity found, through on-lifecycle-request", async () => {
    const strict = {
      ...catalog,
      channels: catalog.channels.map((c) =>
        c.name === 'dev' ? { ...c, vulnerabilities: { ...c.vulnerabilities, revokeOn: ['critical'] } } : c,
      ),
    };
    process.env.GOLDSMITH_CATALOG = JSON.stringify(strict);
    criticalOn('dev');

    const result = await deliver(inspectorFinding('CRITICAL'));

    expect(result).toMatchObject({ revoked: true });
    // The request is marked to be revoked at once, with the finding's time, before the fact goes on the bus.
    const mark = ddb
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.UpdateExpression === 'SET atOnce = :atOnce');
    const atOnce = mark?.args[0].input.ExpressionAttributeValues?.[':atOnce'];
    expect(mark?.args[0].input.Key).toEqual({ pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/3' });
    expect(atOnce).toMatchObject({
      by: 'goldsmith (vulnerabilities.revokeOn)',
      reason: expect.stringContaining('revokeOn'),
    });
    const revoked = bus
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .find((e) => e.DetailType === 'Image Revoked');
    expect(JSON.parse(revoked?.Detail ?? '{}')).toMatchObject({
      image: 'base',
      version: '1.0.0/3',
      buildVersionArn: BUILD_ARN,
      by: 'goldsmith (vulnerabilities.revokeOn)',
      revokedAt: atOnce.at,
    });
    // on-finding itself changes no launch permission and announces no revocation: on-lifecycle-request does.
    expect(ec2).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
    expect(sns).not.toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({ event: { DataType: 'String', StringValue: 'revoked' } }),
    });
  });

  it('ignores closed findings and AMIs that Image Builder did not make', async () => {
    expect((await deliver(inspectorFinding('CRITICAL', 'CLOSED'))).action).toBe('ignored');
    ec2.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: AMI, Tags: [] }] });
    expect((await deliver(inspectorFinding('CRITICAL'))).action).toBe('ignored');
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('records the scan findings Image Builder lists for the build, whatever the event counts', async () => {
    imagebuilder.on(ListImageScanFindingsCommand).resolves({
      findings: [
        { severity: 'CRITICAL', packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2027-0001', source: 'NVD' } },
        { severity: 'HIGH', packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2027-0002', source: 'NVD' } },
      ],
    });

    // The event counts nine CRITICAL findings; Image Builder lists one CRITICAL and one HIGH.
    const result = await onFinding(cveDetected(ACCOUNT, 9));

    expect(result, JSON.stringify(result)).toMatchObject({ action: 'recorded', findings: 2 });
    const items = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(items.slice(0, 2).map((i) => [i?.sk, i?.severity, i?.source])).toEqual([
      ['FINDINGS#1.0.0/3#CVE-2027-0001', 'CRITICAL', 'imagebuilder'],
      ['FINDINGS#1.0.0/3#CVE-2027-0002', 'HIGH', 'imagebuilder'],
    ]);
    // And the arrival, once, with what was done about it (history's line).
    expect(items.slice(2)).toMatchObject([
      { sk: expect.stringMatching(/^FOUND#1\.0\.0\/3#/), counts: { critical: 1, high: 1 }, done: expect.any(String) },
    ]);
    expect(imagebuilder).toHaveReceivedCommandWith(ListImageScanFindingsCommand, {
      filters: [{ name: 'imageBuildVersionArn', values: [BUILD_ARN] }],
    });
  });

  it('records nothing for a scan event when Image Builder lists no findings for the build', async () => {
    expect(await onFinding(cveDetected(ACCOUNT, 50))).toMatchObject({
      action: 'ignored',
      reason: expect.stringContaining('lists no scan findings'),
    });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  describe('findings from where they belong', () => {
    const MEMBER = '444455556666';
    /** base 1.0.0/3 is live in dev and staging, and dev revokes on any critical finding. */
    function liveAndStrict(strictDev = true): void {
      const strict = {
        ...catalog,
        channels: catalog.channels.map((c) =>
          c.name === 'dev' ? { ...c, vulnerabilities: { ...c.vulnerabilities, revokeOn: ['critical'] } } : c,
        ),
      };
      if (strictDev) process.env.GOLDSMITH_CATALOG = JSON.stringify(strict);
      ddb
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'PROMOTION#1.0.0/3#' } })
        .resolves({
          Items: ['dev', 'staging'].map((channel) => ({ channel, outcome: 'promoted', version: '1.0.0/3' })),
        });
      ddb
        .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'CHANNEL#staging' } })
        .resolves({ Item: { channel: 'staging', version: '1.0.0/3' } });
      // What the ledger holds once a finding is recorded against the version (the mock does not store).
      ddb
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'FINDINGS#1.0.0/3#' } })
        .resolves({ Items: [{ severity: 'CRITICAL' }] });
      ddb
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'BUILD#' } })
        .resolves({ Items: [{ sk: 'BUILD#1.0.0/3', buildVersionArn: BUILD_ARN, status: 'AVAILABLE' }] });
      ec2.on(EnableImageDeprecationCommand).resolves({ Return: true });
      ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [] });
      ec2.on(ModifyImageAttributeCommand).resolves({});
    }
    const revocationWrites = () =>
      ddb.commandCalls(UpdateCommand).filter((c) => String(c.args[0].input.Key?.sk).startsWith('REVOCATION#'));
    const sks = () => ddb.commandCalls(PutCommand).map((c) => String(c.args[0].input.Item?.sk));

    it('keeps a package a team installed later on its own instance its own: a fleet finding, announced once', async () => {
      liveAndStrict();

      // The attack: launch the shared AMI in a member account, install an old libxml2, let Inspector find it.
      const result = await deliver(memberFinding('CRITICAL', MEMBER, { name: 'libxml2', version: '2.9.1' }));

      expect(result).toMatchObject({ action: 'fleet', account: MEMBER, announced: true });
      // Nothing counts against the version: no finding, no revocation, no rebuild, no grant removed.
      expect(sks().filter((sk) => /^(FINDINGS|REVOCATION|OUTOFCYCLE)#/.test(sk))).toEqual([]);
      expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
      expect(ec2).not.toHaveReceivedCommand(ModifyImageAttributeCommand);
      expect(revocationWrites()).toEqual([]);
      // Recorded once, and announced as the team's.
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        Item: expect.objectContaining({ kind: 'fleet-finding', account: MEMBER, packages: ['libxml2 2.9.1'] }),
        ConditionExpression: 'attribute_not_exists(sk)',
      });
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
      expect(sns).toHaveReceivedCommandWith(PublishCommand, {
        MessageAttributes: expect.objectContaining({ event: { DataType: 'String', StringValue: 'fleet-finding' } }),
      });
    });

    it('announces a fleet finding Inspector updates again only once', async () => {
      ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
        if (input.Item.sk.startsWith('FLEET#'))
          throw new ConditionalCheckFailedException({ message: 'x', $metadata: {} });
        return {};
      });

      const result = await deliver(memberFinding('CRITICAL', MEMBER, { name: 'libxml2', version: '2.9.1' }));

      expect(result).toMatchObject({ action: 'fleet', announced: false });
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
    });

    it("keeps an older version of a package the image does have the team's too", async () => {
      const result = await deliver(memberFinding('CRITICAL', MEMBER, { name: 'openssl', version: '1.1.1k' }));

      expect(result).toMatchObject({ action: 'fleet' });
      expect(sks().some((sk) => sk.startsWith('FINDINGS#'))).toBe(false);
    });

    it("counts a package the image was built with, found on a member account's instance", async () => {
      liveAndStrict(false);

      const result = await deliver(
        memberFinding('CRITICAL', MEMBER, { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18' }),
      );

      expect(result).toMatchObject({ action: 'recorded', revoked: false, rebuilt: true });
      expect(result).toMatchObject({ revocation: { channels: ['dev', 'staging'] } });
      expect(sks()).toContain('FINDINGS#1.0.0/3#CVE-2024-29069');
      expect(sks()).toContain('REVOCATION#1.0.0/3');
      expect(bus).toHaveReceivedCommandWith(PutEventsCommand, {
        Entries: [expect.objectContaining({ DetailType: 'Image Rebuild Requested' })],
      });
    });

    it('lists and records the inventory when none was recorded at build time', async () => {
      ddb
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'INVENTORY#1.0.0/3#' } })
        .resolves({ Items: [] });
      imagebuilder.on(ListImagePackagesCommand).resolves({
        imagePackageList: [{ packageName: 'snapd', packageVersion: '2.63' }],
      });

      const result = await deliver(memberFinding('HIGH', MEMBER, { name: 'snapd', version: '2.63' }));

      expect(result).toMatchObject({ action: 'recorded' });
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        Item: expect.objectContaining({ sk: 'INVENTORY#1.0.0/3#000', packages: 'snapd\t2.63', parts: 1 }),
      });
    });

    it('refuses a finding from an account outside the organization, changing nothing', async () => {
      organizations
        .on(DescribeAccountCommand)
        .rejects(new AccountNotFoundException({ message: 'not found', $metadata: {} }));

      const result = await deliver(memberFinding('CRITICAL', '999900001111', { name: 'snapd', version: '2.63' }));

      expect(result).toMatchObject({ action: 'refused', reason: expect.stringMatching(/not an active account/) });
      expect(ddb).not.toHaveReceivedCommand(PutCommand);
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
    });

    it('refuses a finding Inspector does not list to the factory, whoever the event says sent it', async () => {
      const event = memberFinding('CRITICAL', MEMBER, {
        name: 'openssl',
        version: '3.0.8',
        release: '1.amzn2023.0.18',
      });

      expect(await onFinding(event)).toMatchObject({
        action: 'refused',
        reason: expect.stringContaining('Inspector lists no finding'),
      });
      expect(ddb).not.toHaveReceivedCommand(PutCommand);
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
    });

    it('weighs the finding as Inspector lists it, not as the event was rewritten', async () => {
      liveAndStrict();
      // Inspector holds a finding on libxml2 the team installed; the event that reaches on-finding names openssl.
      const real = memberFinding('CRITICAL', MEMBER, { name: 'libxml2', version: '2.9.1' });
      held.set(real.detail.findingArn, structuredClone(real.detail));
      const rewritten = structuredClone(real);
      rewritten.detail.packageVulnerabilityDetails.vulnerablePackages = [
        { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18', epoch: 0, packageManager: 'OS' },
      ];
      rewritten.account = '777788889999';

      expect(await onFinding(rewritten)).toMatchObject({ action: 'fleet', account: MEMBER });
      expect(sks().filter((sk) => /^(FINDINGS|REVOCATION|OUTOFCYCLE)#/.test(sk))).toEqual([]);
      expect(revocationWrites()).toEqual([]);
    });

    it('ignores a finding Inspector has closed since the event was sent', async () => {
      const event = memberFinding('CRITICAL', MEMBER, {
        name: 'openssl',
        version: '3.0.8',
        release: '1.amzn2023.0.18',
      });
      held.set(event.detail.findingArn, { ...structuredClone(event.detail), status: 'CLOSED' });

      expect(await onFinding(event)).toMatchObject({ action: 'ignored', reason: 'no active findings' });
      expect(ddb).not.toHaveReceivedCommand(PutCommand);
    });

    it('ignores an AMI whose Ec2ImageBuilderArn tag names our build but that the build never output', async () => {
      const forged = 'ami-0fff9999aaaa8888b';
      ec2
        .on(DescribeImagesCommand)
        .resolves({ Images: [{ ImageId: forged, Tags: [{ Key: 'Ec2ImageBuilderArn', Value: BUILD_ARN }] }] });
      const event = inspectorFinding('CRITICAL');
      event.detail.resources[0].details.awsEc2Instance.imageId = forged;

      expect(await deliver(event)).toMatchObject({
        action: 'ignored',
        reason: expect.stringMatching(/not an output/),
      });
      expect(ddb).not.toHaveReceivedCommand(PutCommand);
    });

    it('counts a scan only for the very build ARN the ledger recorded', async () => {
      imagebuilder.on(ListImageScanFindingsCommand).resolves({
        findings: [{ severity: 'CRITICAL', packageVulnerabilityDetails: { vulnerabilityId: 'CVE-1', source: 'NVD' } }],
      });
      ddb.on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' } }).resolves({});
      expect(await onFinding(cveDetected(MEMBER, 1))).toMatchObject({
        action: 'ignored',
        reason: expect.stringMatching(/not the build the ledger recorded/),
      });
      expect(ddb).not.toHaveReceivedCommand(PutCommand);
    });
  });

  it('rejects an event that is neither kind', async () => {
    await expect(onFinding({ source: 'aws.ec2' })).rejects.toBeInstanceOf(MalformedEventError);
  });
});
